package io.dynamite.testkit.etcd;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options for the etcd that {@link EtcdExtension} starts for the annotated test class.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EtcdOptions {
  /**
   * Whether to serve the v2 keys API ({@code --enable-v2=true}); etcd 3.4 serves only v3 by
   * default.
   *
   * @return true to enable v2
   */
  boolean enableV2() default false;

  /**
   * Further etcd flags.
   *
   * @return the flags, each a separate argument
   */
  String[] flags() default {};
}
