package io.emporium.deploy;

import static io.emporium.deploy.DeployFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s rendered as Kustomize would (a subset, see {@link #render}) and checked against the
 * Kubernetes API's schemas (the kubernetes-models package, run with node), then what the topology
 * promises: probes, resources, budgets, and network policies that let each gRPC port be reached by
 * its callers only.
 */
class KubernetesManifestsTest {
  private static final Path K8S = REPOSITORY.resolve("deploy/k8s");
  private static final List<String> DEPLOYMENTS =
      List.of("edge", "catalog", "ordering", "payment", "realtime");

  /**
   * A Kustomize subset: {@code resources} (files and directories), strategic-merge {@code patches}
   * by path (maps merged, lists of named maps merged by name, other lists replaced), {@code
   * namespace} and {@code images}. Any other field fails the test, so the overlays cannot outgrow
   * what is checked here.
   */
  static List<JsonObject> render(Path dir) throws IOException {
    JsonObject k = yaml(dir.resolve("kustomization.yaml")).get(0);
    assertThat(k.fieldNames())
        .as(dir + " uses only what this test renders")
        .isSubsetOf(Set.of("apiVersion", "kind", "resources", "patches", "namespace", "images"));
    List<JsonObject> out = new ArrayList<>();
    for (Object resource : k.getJsonArray("resources")) {
      Path path = dir.resolve(resource.toString()).normalize();
      out.addAll(Files.isDirectory(path) ? render(path) : yaml(path));
    }
    for (Object p : k.getJsonArray("patches", new JsonArray())) {
      JsonObject patch = (JsonObject) p;
      assertThat(patch.fieldNames()).as("patches by path only").containsExactly("path");
      for (JsonObject change : yaml(dir.resolve(patch.getString("path")))) {
        JsonObject target =
            out.stream()
                .filter(
                    o ->
                        o.getString("kind").equals(change.getString("kind"))
                            && name(o).equals(name(change)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("patch without target: " + change));
        merge(target, change);
      }
    }
    if (k.containsKey("namespace")) {
      out.forEach(o -> o.getJsonObject("metadata").put("namespace", k.getString("namespace")));
    }
    for (Object i : k.getJsonArray("images", new JsonArray())) {
      JsonObject image = (JsonObject) i;
      for (JsonObject o : out) {
        for (JsonObject c : containers(o)) {
          if (c.getString("image").split(":")[0].equals(image.getString("name"))) {
            c.put(
                "image",
                image.getString("newName", image.getString("name"))
                    + ":"
                    + image.getString("newTag", "latest"));
          }
        }
      }
    }
    return out;
  }

  private static void merge(JsonObject target, JsonObject patch) {
    for (String key : patch.fieldNames()) {
      assertThat(key).as("patch directives are not rendered here").doesNotStartWith("$");
      Object value = patch.getValue(key);
      Object existing = target.getValue(key);
      if (value instanceof JsonObject v && existing instanceof JsonObject e) {
        merge(e, v);
      } else if (value instanceof JsonArray v
          && existing instanceof JsonArray e
          && named(v)
          && named(e)) {
        for (Object item : v) {
          JsonObject change = (JsonObject) item;
          e.stream()
              .map(JsonObject.class::cast)
              .filter(x -> x.getString("name").equals(change.getString("name")))
              .findFirst()
              .ifPresentOrElse(x -> merge(x, change), () -> e.add(change));
        }
      } else {
        target.put(key, value);
      }
    }
  }

  private static boolean named(JsonArray list) {
    return list.stream().allMatch(x -> x instanceof JsonObject o && o.containsKey("name"));
  }

  private static String name(JsonObject o) {
    return o.getJsonObject("metadata").getString("name");
  }

  private static JsonObject podSpec(JsonObject o) {
    JsonObject spec = o.getJsonObject("spec");
    return spec == null || !spec.containsKey("template")
        ? null
        : spec.getJsonObject("template").getJsonObject("spec");
  }

  private static List<JsonObject> containers(JsonObject o) {
    JsonObject pod = podSpec(o);
    return pod == null
        ? List.of()
        : pod.getJsonArray("containers").stream().map(JsonObject.class::cast).toList();
  }

  private static List<JsonObject> of(List<JsonObject> objects, String kind) {
    return objects.stream().filter(o -> o.getString("kind").equals(kind)).toList();
  }

  private static JsonObject one(List<JsonObject> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.getString("kind").equals(kind) && name(o).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /**
   * The validator's verdict, one line per object; exit status 0 only when every object fits its
   * schema.
   */
  private static List<String> validate(List<JsonObject> objects, Path dir, String name)
      throws Exception {
    requireValidators();
    Path input = dir.resolve(name + ".json");
    Files.writeString(input, new JsonArray(new ArrayList<>(objects)).encode());
    Path output = dir.resolve(name + ".out");
    Process node =
        new ProcessBuilder(
                "node", VALIDATORS.resolve("validate-k8s.mjs").toString(), input.toString())
            .directory(VALIDATORS.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(lines).as("one verdict per object").hasSize(objects.size());
    return node.exitValue() == 0
        ? lines
        : lines.stream().map(l -> "exit " + node.exitValue() + ": " + l).toList();
  }

  @Test
  void baseAndProductionFitTheKubernetesSchemas(@TempDir Path dir) throws Exception {
    for (Path kustomization : List.of(K8S.resolve("base"), K8S.resolve("overlays/production"))) {
      List<JsonObject> objects = render(kustomization);
      assertThat(validate(objects, dir, kustomization.getFileName().toString()))
          .as(kustomization.toString())
          .allMatch(line -> line.startsWith("ok "));
    }
  }

  @Test
  void theValidatorRefusesAnObjectThatDoesNotFit(@TempDir Path dir) throws Exception {
    JsonObject edge = one(render(K8S.resolve("base")), "Deployment", "edge");
    edge.getJsonObject("spec").put("replicas", "two");
    JsonObject hpa = one(render(K8S.resolve("base")), "HorizontalPodAutoscaler", "edge");
    hpa.getJsonObject("spec").remove("maxReplicas");
    assertThat(validate(List.of(edge, hpa), dir, "broken"))
        .containsExactly(
            "exit 1: invalid Deployment/edge: data/spec/replicas must be integer",
            "exit 1: invalid HorizontalPodAutoscaler/edge: data/spec must have required property maxReplicas");
  }

  @Test
  void everyDeploymentHasProbesResourcesABudgetAndAServiceThatReachesIt() throws IOException {
    List<JsonObject> objects = render(K8S.resolve("base"));
    assertThat(of(objects, "Deployment").stream().map(KubernetesManifestsTest::name))
        .containsExactlyInAnyOrderElementsOf(DEPLOYMENTS);
    for (JsonObject d : of(objects, "Deployment")) {
      JsonObject labels =
          d.getJsonObject("spec")
              .getJsonObject("template")
              .getJsonObject("metadata")
              .getJsonObject("labels");
      assertThat(labels.getMap())
          .as(name(d))
          .containsAllEntriesOf(
              d.getJsonObject("spec")
                  .getJsonObject("selector")
                  .getJsonObject("matchLabels")
                  .getMap());
      for (JsonObject c : containers(d)) {
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
          assertThat(c.getJsonObject(probe)).as(name(d) + " " + probe).isNotNull();
        }
        JsonObject resources = c.getJsonObject("resources");
        assertThat(resources.getJsonObject("requests").fieldNames())
            .as(name(d))
            .contains("cpu", "memory");
        assertThat(resources.getJsonObject("limits").fieldNames()).as(name(d)).contains("memory");
        assertThat(c.getJsonArray("args")).as(name(d)).containsExactly("--services=" + name(d));
        Set<String> ports =
            c.getJsonArray("ports").stream()
                .map(p -> ((JsonObject) p).getString("name"))
                .collect(Collectors.toSet());
        for (JsonObject probe :
            List.of(c.getJsonObject("readinessProbe"), c.getJsonObject("livenessProbe"))) {
          JsonObject how =
              probe.getJsonObject(
                  "httpGet", probe.getJsonObject("grpc", probe.getJsonObject("tcpSocket")));
          Object port = how.getValue("port");
          assertThat(
                  port instanceof String s
                      ? ports.contains(s)
                      : c.getJsonArray("ports").stream()
                          .anyMatch(p -> ((JsonObject) p).getValue("containerPort").equals(port)))
              .as(name(d) + " probes a port it has")
              .isTrue();
        }
      }
      List<JsonObject> budgets =
          of(objects, "PodDisruptionBudget").stream()
              .filter(
                  p ->
                      labels
                          .getMap()
                          .entrySet()
                          .containsAll(
                              p.getJsonObject("spec")
                                  .getJsonObject("selector")
                                  .getJsonObject("matchLabels")
                                  .getMap()
                                  .entrySet()))
              .toList();
      assertThat(budgets).as(name(d) + " disruption budget").hasSize(1);
    }
    for (JsonObject s : of(objects, "Service")) {
      Map<String, Object> selector = s.getJsonObject("spec").getJsonObject("selector").getMap();
      List<JsonObject> targets =
          of(objects, "Deployment").stream()
              .filter(
                  d ->
                      d.getJsonObject("spec")
                          .getJsonObject("template")
                          .getJsonObject("metadata")
                          .getJsonObject("labels")
                          .getMap()
                          .entrySet()
                          .containsAll(selector.entrySet()))
              .toList();
      assertThat(targets).as("pods of Service " + name(s)).isNotEmpty();
      for (Object p : s.getJsonObject("spec").getJsonArray("ports")) {
        String targetPort = ((JsonObject) p).getString("targetPort");
        for (JsonObject d : targets) {
          assertThat(
                  containers(d).get(0).getJsonArray("ports").stream()
                      .map(x -> ((JsonObject) x).getString("name")))
              .as("Service " + name(s) + " port " + targetPort + " on " + name(d))
              .contains(targetPort);
        }
      }
    }
    JsonObject hpa = one(objects, "HorizontalPodAutoscaler", "edge");
    assertThat(hpa.getJsonObject("spec").getJsonObject("scaleTargetRef").getString("name"))
        .isEqualTo("edge");
  }

  @Test
  void podsTakeTheirSettingsFromTheConfigMapAndSecretAndTheJobMigrates() throws IOException {
    List<JsonObject> objects = render(K8S.resolve("base"));
    JsonObject config = one(objects, "ConfigMap", "emporium-config").getJsonObject("data");
    JsonObject secret = one(objects, "Secret", "emporium-secrets").getJsonObject("stringData");
    Set<String> names = new TreeSet<>(config.fieldNames());
    names.addAll(secret.fieldNames());
    names.removeAll(documentedSettings());
    assertThat(names).as("ConfigMap and Secret keys that are no setting").isEmpty();
    assertThat(config.getString("MIGRATE_ON_START")).isEqualTo("false");
    assertThat(secret.fieldNames()).contains("DB_PASS", "JWT_SECRET", "STRIPE_WEBHOOK_SECRET");
    assertThat(config.fieldNames())
        .doesNotContain(
            "DB_PASS",
            "JWT_SECRET",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "SMTP_PASS",
            "S3_SECRET_ACCESS_KEY");
    JsonObject job = one(objects, "Job", "emporium-migrate");
    assertThat(containers(job).get(0).getJsonArray("args")).containsExactly("migrate");
    for (JsonObject o : objects) {
      for (JsonObject c : containers(o)) {
        assertThat(c.getJsonArray("envFrom").stream().map(Object::toString))
            .as(name(o))
            .contains(
                "{\"configMapRef\":{\"name\":\"emporium-config\"}}",
                "{\"secretRef\":{\"name\":\"emporium-secrets\"}}");
        assertThat(podSpec(o).getJsonObject("securityContext").getBoolean("runAsNonRoot"))
            .as(name(o))
            .isTrue();
      }
    }
  }

  @Test
  void onlyTheCallersOfAServiceReachItsGrpcPort() throws IOException {
    List<JsonObject> objects = render(K8S.resolve("base"));
    // from the code: the edge calls every service; ordering calls catalog and payment; realtime
    // calls catalog and identity
    Map<String, Set<String>> expected =
        new TreeMap<>(
            Map.of(
                "catalog:9101", Set.of("edge", "ordering", "realtime"),
                "ordering:9102", Set.of("edge"),
                "payment:9103", Set.of("edge", "ordering"),
                "realtime:9104", Set.of("edge"),
                "edge:9105", Set.of("realtime")));
    Map<String, Set<String>> allowed = new TreeMap<>();
    Set<String> selected = new TreeSet<>();
    for (JsonObject policy : of(objects, "NetworkPolicy")) {
      String target =
          policy
              .getJsonObject("spec")
              .getJsonObject("podSelector")
              .getJsonObject("matchLabels")
              .getString("app.kubernetes.io/name");
      selected.add(target);
      for (Object r : policy.getJsonObject("spec").getJsonArray("ingress")) {
        JsonObject rule = (JsonObject) r;
        for (Object p : rule.getJsonArray("ports")) {
          int port = ((JsonObject) p).getInteger("port");
          if (port < 9101 || port > 9105) {
            continue;
          }
          assertThat(rule.getJsonArray("from"))
              .as(target + ":" + port + " open to everyone")
              .isNotNull();
          Set<String> from = allowed.computeIfAbsent(target + ":" + port, x -> new TreeSet<>());
          for (Object f : rule.getJsonArray("from")) {
            JsonObject peer = ((JsonObject) f);
            assertThat(peer.fieldNames())
                .as(target + ":" + port + " sources")
                .containsExactly("podSelector");
            from.add(
                peer.getJsonObject("podSelector")
                    .getJsonObject("matchLabels")
                    .getString("app.kubernetes.io/name"));
          }
        }
      }
    }
    assertThat(allowed).isEqualTo(expected);
    assertThat(selected)
        .as("every pod is behind a policy")
        .containsAll(DEPLOYMENTS)
        .contains("emporium-migrate");
    // the addresses the pods dial are the Services the policies guard
    JsonObject config = one(objects, "ConfigMap", "emporium-config").getJsonObject("data");
    for (String peer : List.of("CATALOG", "ORDERING", "PAYMENT", "REALTIME", "IDENTITY")) {
      String[] address = config.getString(peer + "_GRPC_ADDRESS").split(":");
      JsonObject service = one(objects, "Service", address[0]);
      assertThat(
              service
                  .getJsonObject("spec")
                  .getJsonArray("ports")
                  .getJsonObject(0)
                  .getInteger("port"))
          .isEqualTo(Integer.parseInt(address[1]));
    }
  }

  @Test
  void productionRendersTheReleaseIntoItsNamespaceWithMoreRoom() throws IOException {
    List<JsonObject> objects = render(K8S.resolve("overlays/production"));
    assertThat(objects)
        .allMatch(o -> "emporium".equals(o.getJsonObject("metadata").getString("namespace")));
    for (JsonObject o : objects) {
      for (JsonObject c : containers(o)) {
        assertThat(c.getString("image"))
            .as(name(o))
            .isEqualTo("registry.example.com/emporium:0.1.0");
      }
    }
    JsonObject catalog = one(objects, "Deployment", "catalog");
    assertThat(catalog.getJsonObject("spec").getInteger("replicas")).isEqualTo(3);
    JsonObject container = containers(catalog).get(0);
    assertThat(container.getJsonObject("resources").getJsonObject("requests").getString("memory"))
        .isEqualTo("1Gi");
    assertThat(container.getJsonObject("resources").getJsonObject("limits").getString("cpu"))
        .as("kept from the base")
        .isEqualTo("2");
    assertThat(container.getJsonObject("readinessProbe")).as("kept from the base").isNotNull();
    assertThat(
            one(objects, "HorizontalPodAutoscaler", "edge")
                .getJsonObject("spec")
                .getInteger("minReplicas"))
        .isEqualTo(3);
    JsonObject config = one(objects, "ConfigMap", "emporium-config").getJsonObject("data");
    assertThat(config.getString("EDGE_INSTANCES")).isEqualTo("4");
    assertThat(config.getString("MIGRATE_ON_START")).as("kept from the base").isEqualTo("false");
  }
}
