/**
 * Implementation details of the fleet adapter (JSON mapping, option normalisation, the unix
 * socket factory). Not API: no compatibility promise.
 */
@NullMarked
package io.dynamite.fleet.internal;

import org.jspecify.annotations.NullMarked;
