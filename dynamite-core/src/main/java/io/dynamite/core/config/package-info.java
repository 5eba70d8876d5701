/**
 * Loading and validating the original Dynamite YAML format (and its extensions) into {@link
 * io.dynamite.core.config.DynamiteConfig}, building the same configuration in code ({@link
 * io.dynamite.core.config.DynamiteConfig#builder()}) with the same checks, writing it back as YAML
 * ({@link io.dynamite.core.config.ConfigWriter}), and parsing systemd unit files into fleet
 * options.
 */
@NullMarked
package io.dynamite.core.config;

import org.jspecify.annotations.NullMarked;
