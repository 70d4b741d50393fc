package io.emporium.common.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where settings come from: an optional {@code .env}-style file, overridden by the environment. */
public final class ConfigSources {
  private ConfigSources() {}

  public static Map<String, String> merge(Path configFile, Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>();
    if (configFile != null) {
      merged.putAll(Settings.readEnvFile(configFile));
    }
    environment.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) {
            merged.put(k, v);
          }
        });
    return merged;
  }
}
