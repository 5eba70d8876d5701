/**
 * Not API. The parsing shared by the v3 and v2 metric sources (key layout, values, timestamps,
 * registrations, the bounded buffer) and the JSON mapping of the original {@code /_dynamite}
 * records.
 */
@NullMarked
package io.dynamite.etcd.internal;

import org.jspecify.annotations.NullMarked;
