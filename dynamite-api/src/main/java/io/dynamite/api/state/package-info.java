/**
 * The records a {@link io.dynamite.api.spi.StateStore} persists: engine status, the configuration
 * document, one record per service (its unit files and instance-number table), one per instance,
 * and the intent records that make actions crash-consistent.
 */
@NullMarked
package io.dynamite.api.state;

import org.jspecify.annotations.NullMarked;
