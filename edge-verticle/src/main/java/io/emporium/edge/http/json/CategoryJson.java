package io.emporium.edge.http.json;

import io.emporium.proto.catalog.v1.Category;
import io.vertx.core.json.JsonObject;

/** A category as the API shows it, without its children. */
public final class CategoryJson {
  private CategoryJson() {}

  public static JsonObject of(Category c) {
    return new JsonObject()
        .put("id", c.getId())
        .put("name", c.getName())
        .put("slug", c.getSlug())
        .put("parentId", c.getParentId().isEmpty() ? null : c.getParentId());
  }
}
