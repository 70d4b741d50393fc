package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files under deploy/ as the topology tests read them: YAML documents as JSON, the
 * known settings.
 */
final class DeployFiles {
  /** The module's directory (Surefire runs there). */
  static final Path MODULE = Path.of("").toAbsolutePath();

  static final Path REPOSITORY = MODULE.getParent();
  static final Path VALIDATORS = MODULE.resolve("src/test/topology");

  private DeployFiles() {}

  /**
   * Every YAML document of a file (anchors and merge keys resolved), as JSON; empty documents left
   * out.
   */
  static List<JsonObject> yaml(Path file) throws IOException {
    List<JsonObject> docs = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file)) {
      for (Object doc : new Yaml().loadAll(in)) {
        if (doc != null) {
          docs.add(new JsonObject(Json.encode(doc)));
        }
      }
    }
    return docs;
  }

  /** Fails with the reason when src/test/topology/setup.sh could not install the validators. */
  static void requireValidators() throws IOException {
    Path unavailable = MODULE.resolve("target/topology-setup/unavailable");
    assertThat(Files.exists(unavailable) ? Files.readString(unavailable).strip() : null)
        .as("topology validators setup")
        .isNull();
    assertThat(VALIDATORS.resolve("node_modules/kubernetes-models"))
        .as("run src/test/topology/setup.sh")
        .isDirectory();
  }

  /** The settings docs/configuration.md lists, with the gRPC addresses its table abbreviates. */
  static Set<String> documentedSettings() throws IOException {
    Set<String> names = new LinkedHashSet<>();
    Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
    for (String line : Files.readAllLines(REPOSITORY.resolve("docs/configuration.md"))) {
      if (line.startsWith("| `")) {
        Matcher m = name.matcher(line.split("\\|")[1]);
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    for (String service : List.of("CATALOG", "ORDERING", "PAYMENT", "REALTIME", "IDENTITY")) {
      names.add(service + "_GRPC_ADDRESS");
    }
    return names;
  }

  /**
   * The setting names EmporiumConfig reads literally (the rate-limit groups are composed, so left
   * out).
   */
  static Set<String> settingsTheConfigReads() throws IOException {
    String source =
        Files.readString(
            REPOSITORY.resolve(
                "common/src/main/java/io/emporium/common/config/EmporiumConfig.java"));
    Set<String> names = new LinkedHashSet<>();
    Matcher m =
        Pattern.compile(
                "s\\.(?:required|optional|port|duration|integer|bool|url|list|rateLimit)\\(\"([A-Z0-9_]+)\"")
            .matcher(source);
    while (m.find()) {
      if (!m.group(1).endsWith("_")) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  static JsonArray array(Object... values) {
    return new JsonArray(List.of(values));
  }
}
