/**
 * Shared plumbing of the testkit's real-server fixtures; not API, may change without notice.
 */
@NullMarked
package io.dynamite.testkit.internal;

import org.jspecify.annotations.NullMarked;
