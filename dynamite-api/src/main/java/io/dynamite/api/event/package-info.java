/**
 * Engine events, the observability API: every decision with its reason, every action and its
 * outcome, rejected metric values, plugin failures, drift and leadership changes. Listeners
 * receive them synchronously on the engine thread.
 */
@NullMarked
package io.dynamite.api.event;

import org.jspecify.annotations.NullMarked;
