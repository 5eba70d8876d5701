/**
 * A real etcd process for tests: {@link io.dynamite.testkit.etcd.EtcdProcess} starts the Debian
 * {@code etcd} binary on free loopback ports with a temporary data directory, and {@link
 * io.dynamite.testkit.etcd.EtcdExtension} runs one per JUnit 5 test class. Only JDK APIs are used
 * (plus the optional JUnit API for the extension), so the testkit adds nothing to a user's
 * classpath.
 */
@NullMarked
package io.dynamite.testkit.etcd;

import org.jspecify.annotations.NullMarked;
