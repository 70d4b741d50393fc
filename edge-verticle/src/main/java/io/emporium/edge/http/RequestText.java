package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.common.problem.StorableText;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a path segment or query parameter holding text that cannot be stored (422 naming it),
 * before any route runs.
 */
public final class RequestText {
  private final DescribedRoutes routes;

  public RequestText(DescribedRoutes routes) {
    this.routes = routes;
  }

  public void check(RoutingContext ctx) {
    List<FieldError> errors = new ArrayList<>();
    String path = ctx.request().path();
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment;
      try {
        segment = URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        ctx.fail(ApiProblem.badRequest("The path is not validly percent-encoded."));
        return;
      }
      if (!StorableText.storable(segment)) {
        errors.add(new FieldError(routes.segmentName(path, i), StorableText.MESSAGE));
      }
    }
    MultiMap query;
    try {
      query = ctx.queryParams();
    } catch (RuntimeException e) {
      ctx.fail(ApiProblem.badRequest("The query string is not validly percent-encoded."));
      return;
    }
    query.forEach(
        (name, value) -> {
          if (!StorableText.storable(name) || !StorableText.storable(value)) {
            errors.add(
                new FieldError(StorableText.storable(name) ? name : "query", StorableText.MESSAGE));
          }
        });
    if (!errors.isEmpty()) {
      ctx.fail(ApiProblem.invalid(errors));
      return;
    }
    ctx.next();
  }
}
