package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code DYNAMITE_LOG_CONFIG_PATH}: which keys reach slf4j-simple, and the precedence of {@code --log-level} and {@code -D}. */
class LogConfigTest {
  @TempDir Path dir;

  @Test
  void copiesSimpleLoggerKeysAndLetsTheFlagAndSystemPropertiesWin() throws Exception {
    Path file = Files.writeString(dir.resolve("log.properties"), """
        org.slf4j.simpleLogger.defaultLogLevel=warn
        org.slf4j.simpleLogger.log.io.dynamite.etcd=debug
        org.slf4j.simpleLogger.showThreadName=false
        unrelated=1
        """);
    Properties system = new Properties();
    system.setProperty("org.slf4j.simpleLogger.showThreadName", "true");
    LogConfig.Applied a = LogConfig.apply(Map.of(LogConfig.VARIABLE, file.toString()), null, system);
    assertThat(a.file()).isEqualTo(file);
    assertThat(a.notes()).isEmpty();
    assertThat(a.applied()).containsOnlyKeys("org.slf4j.simpleLogger.defaultLogLevel", "org.slf4j.simpleLogger.log.io.dynamite.etcd");
    assertThat(system.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("warn");
    assertThat(system.getProperty("org.slf4j.simpleLogger.log.io.dynamite.etcd")).isEqualTo("debug");
    assertThat(system.getProperty("org.slf4j.simpleLogger.showThreadName")).as("-D wins").isEqualTo("true");
    assertThat(system.getProperty("unrelated")).isNull();

    Properties withFlag = new Properties();
    LogConfig.apply(Map.of(LogConfig.VARIABLE, file.toString()), "error", withFlag);
    assertThat(withFlag.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).as("--log-level wins").isEqualTo("error");
  }

  @Test
  void withoutTheVariableTheLevelIsInfo() {
    Properties system = new Properties();
    LogConfig.Applied a = LogConfig.apply(Map.of(), null, system);
    assertThat(a.file()).isNull();
    assertThat(a.notes()).isEmpty();
    assertThat(system.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("info");
  }

  @Test
  void aMissingFileOrAPythonLoggingConfIsReportedAndIgnored() throws Exception {
    Properties system = new Properties();
    LogConfig.Applied missing = LogConfig.apply(Map.of(LogConfig.VARIABLE, dir.resolve("logging.conf").toString()), null, system);
    assertThat(missing.notes()).singleElement().asString().contains("is not a readable file");

    Path python = Files.writeString(dir.resolve("logging.conf"), """
        [loggers]
        keys=root,dynamite
        [logger_root]
        level=DEBUG
        """);
    LogConfig.Applied ini = LogConfig.apply(Map.of(LogConfig.VARIABLE, python.toString()), null, system);
    assertThat(ini.applied()).isEmpty();
    assertThat(ini.notes()).singleElement().asString().contains("has no org.slf4j.simpleLogger.* keys").contains("--log-level");
    assertThat(system.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("info");
  }
}
