package io.emporium.edge.http;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The edge's routes as its OpenAPI document describes them (a test keeps the two equal): which
 * methods a path takes, for a 405's {@code Allow}, and what a path segment is called, to name it in
 * a problem.
 */
public final class DescribedRoutes {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");
  private static final Pattern PARAMETER = Pattern.compile("\\{([^}/]+)}");

  private record Template(Pattern pattern, List<String> segments, Set<String> methods) {}

  private final List<Template> templates = new ArrayList<>();

  public DescribedRoutes(JsonObject document) {
    document
        .getJsonObject("paths")
        .forEach(
            path -> {
              Set<String> methods = new TreeSet<>();
              ((JsonObject) path.getValue())
                  .fieldNames().stream()
                      .filter(METHODS::contains)
                      .forEach(m -> methods.add(m.toUpperCase(Locale.ROOT)));
              if (methods.contains("GET")) {
                methods.add("HEAD");
              }
              Matcher parameters = PARAMETER.matcher(path.getKey());
              StringBuilder regex = new StringBuilder();
              int from = 0;
              while (parameters.find()) {
                regex
                    .append(Pattern.quote(path.getKey().substring(from, parameters.start())))
                    .append("[^/]+");
                from = parameters.end();
              }
              regex.append(Pattern.quote(path.getKey().substring(from)));
              templates.add(
                  new Template(
                      Pattern.compile(regex.toString()),
                      List.of(path.getKey().split("/", -1)),
                      methods));
            });
  }

  /**
   * The methods some route serves on this path (HEAD wherever GET), sorted; empty when no route has
   * the path.
   */
  public Set<String> allowed(String path) {
    Set<String> allowed = new TreeSet<>();
    templates.stream()
        .filter(t -> t.pattern().matcher(path).matches())
        .forEach(t -> allowed.addAll(t.methods()));
    return allowed;
  }

  /**
   * What segment {@code index} of {@code path} stands for: its parameter's name, else {@code path}.
   */
  public String segmentName(String path, int index) {
    return templates.stream()
        .filter(t -> t.pattern().matcher(path).matches())
        .map(t -> t.segments().get(index))
        .filter(segment -> segment.startsWith("{"))
        .map(segment -> segment.substring(1, segment.length() - 1))
        .findFirst()
        .orElse("path");
  }
}
