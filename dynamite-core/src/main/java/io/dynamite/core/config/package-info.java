/**
 * Loading and validating the original Dynamite YAML format (and its extensions) into {@link
 * io.dynamite.core.config.DynamiteConfig}, and parsing systemd unit files into fleet options.
 */
@NullMarked
package io.dynamite.core.config;

import org.jspecify.annotations.NullMarked;
