package io.dynamite.testkit.etcd;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs one real etcd per test class ({@link EtcdProcess}) and injects its
 * client URL into test and lifecycle method parameters of type {@link String} or {@link URI}, or
 * the {@link EtcdProcess} itself (to kill or restart it).
 *
 * <p>Configure with {@link EtcdOptions} on the class. If etcd is not installed, {@code beforeAll}
 * fails with "install etcd-server or set ETCD_BIN"; tests are never skipped silently. Tests of one
 * class share the server, so each test should use its own key prefix.
 *
 * @since 0.1
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(EtcdExtension.class);

  /** Creates the extension; JUnit instantiates it through {@code @ExtendWith}. */
  public EtcdExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    List<String> flags = new ArrayList<>();
    EtcdOptions options = context.getRequiredTestClass().getAnnotation(EtcdOptions.class);
    if (options != null) {
      if (options.enableV2()) {
        flags.add("--enable-v2=true");
      }
      flags.addAll(Arrays.asList(options.flags()));
    }
    EtcdProcess etcd = EtcdProcess.start(flags, null);
    context.getStore(NS).put(EtcdProcess.class, etcd);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EtcdProcess etcd = context.getStore(NS).remove(EtcdProcess.class, EtcdProcess.class);
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    return t == String.class || t == URI.class || t == EtcdProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    EtcdProcess etcd = process(ec);
    Class<?> t = pc.getParameter().getType();
    if (t == EtcdProcess.class) {
      return etcd;
    }
    return t == URI.class ? URI.create(etcd.endpoint()) : etcd.endpoint();
  }

  private static EtcdProcess process(ExtensionContext ec) {
    for (ExtensionContext c = ec; c != null; c = c.getParent().orElse(null)) {
      EtcdProcess p = c.getStore(NS).get(EtcdProcess.class, EtcdProcess.class);
      if (p != null) {
        return p;
      }
    }
    throw new IllegalStateException("no etcd: EtcdExtension must be registered on the class");
  }
}
