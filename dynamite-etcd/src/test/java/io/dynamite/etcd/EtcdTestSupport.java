package io.dynamite.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Helpers for tests that talk to a real etcd. */
final class EtcdTestSupport {
  static final ObjectMapper JSON = new ObjectMapper();

  private EtcdTestSupport() {}

  static ByteSequence b(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static void put(Client c, String key, String value) {
    try {
      c.getKVClient().put(b(key), b(value)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void delete(Client c, String key) {
    try {
      c.getKVClient().delete(b(key)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> dump(Client c, String prefix) {
    try {
      Map<String, String> out = new LinkedHashMap<>();
      for (KeyValue kv :
          c.getKVClient()
              .get(b(prefix), GetOption.builder().isPrefix(true).build())
              .get(5, TimeUnit.SECONDS)
              .getKvs()) {
        out.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode fixture(String name) {
    try (InputStream in = EtcdTestSupport.class.getResourceAsStream("/fixtures/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
