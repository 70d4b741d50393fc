package io.emporium.edge.http;

import io.emporium.common.Cursor;
import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Query parameters of list routes: only known names, {@code limit} 1..100, opaque keyset cursors.
 */
public final class Paging {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  private Paging() {}

  /** The query parameters, refusing (422) any name the route does not know. */
  public static MultiMap params(RoutingContext ctx, Set<String> allowed) {
    MultiMap params = ctx.queryParams();
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        throw ApiProblem.invalid(name, "is not a parameter of this route");
      }
    }
    return params;
  }

  /** The same, also refusing (422) a parameter given more than once. */
  public static MultiMap singleParams(RoutingContext ctx, Set<String> allowed) {
    MultiMap params = params(ctx, allowed);
    for (String name : params.names()) {
      if (params.getAll(name).size() > 1) {
        throw ApiProblem.invalid(name, "must be given once");
      }
    }
    return params;
  }

  public static int limit(MultiMap params) {
    String raw = params.get("limit");
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_LIMIT);
  }

  public static Cursor cursor(MultiMap params) {
    String raw = params.get("cursor");
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    return Cursor.decode(raw)
        .orElseThrow(() -> ApiProblem.invalid("cursor", "is not a cursor this API issued"));
  }

  /**
   * A keyset page from a service: {@code limit} and {@code cursor} checked here, the rest by the
   * service.
   */
  public static <T> Future<T> page(
      RoutingContext ctx, Set<String> allowed, BiFunction<Integer, String, Future<T>> call) {
    MultiMap params = params(ctx, allowed);
    Cursor cursor = cursor(params);
    return call.apply(limit(params), cursor == null ? "" : cursor.encode());
  }
}
