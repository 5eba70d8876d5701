/** Engine internals: instance-number allocation, per-service runtime state. Not API. */
@NullMarked
package io.dynamite.core.internal;

import org.jspecify.annotations.NullMarked;
