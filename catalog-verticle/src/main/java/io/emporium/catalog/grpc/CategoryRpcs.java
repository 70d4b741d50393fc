package io.emporium.catalog.grpc;

import io.emporium.catalog.domain.CategoryRules;
import io.emporium.catalog.store.CategoryStore;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.Category;
import io.emporium.proto.catalog.v1.CategoryList;
import io.emporium.proto.catalog.v1.DeleteCategoryRequest;
import io.emporium.proto.catalog.v1.DeleteCategoryResult;
import io.emporium.proto.catalog.v1.GetCategoryRequest;
import io.emporium.proto.catalog.v1.SaveCategoryRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The category tree of {@code emporium.catalog.v1.Catalog}: read by anyone, changed by admins. */
public final class CategoryRpcs {
  private final CategoryStore categories;

  public CategoryRpcs(CategoryStore categories) {
    this.categories = categories;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(
        CatalogGrpcService.ListCategories,
        (caller, request) ->
            categories.all().map(all -> CategoryList.newBuilder().addAllCategories(all).build()));
    endpoints.unary(CatalogGrpcService.GetCategory, this::getCategory);
    endpoints.unary(CatalogGrpcService.SaveCategory, this::saveCategory);
    endpoints.unary(CatalogGrpcService.DeleteCategory, this::deleteCategory);
  }

  /** By id, or by slug when no id is given; a malformed id or slug is no category's. */
  Future<Category> getCategory(CallContext caller, GetCategoryRequest request) {
    if (request.getCategoryId().isEmpty() && !request.getSlug().isEmpty()) {
      String slug = request.getSlug();
      if (!CategoryRules.isSlug(slug)) {
        return Future.failedFuture(ApiProblem.notFound("No category has this slug."));
      }
      return categories
          .findBySlug(slug)
          .map(
              found ->
                  found.orElseThrow(
                      () -> ApiProblem.notFound("No category has the slug " + slug + ".")));
    }
    UUID id = Ids.parse(request.getCategoryId());
    return (id == null ? Future.succeededFuture(Optional.<Category>empty()) : categories.find(id))
        .map(
            found ->
                found.orElseThrow(
                    () -> ApiProblem.notFound("No category " + request.getCategoryId() + ".")));
  }

  Future<Category> saveCategory(CallContext caller, SaveCategoryRequest request) {
    caller.requireRole("admin");
    UUID id = null;
    if (!request.getId().isEmpty()) {
      id = Ids.parse(request.getId());
      if (id == null) {
        return Future.failedFuture(ApiProblem.notFound("No category " + request.getId() + "."));
      }
    }
    List<ApiProblem.FieldError> errors =
        new ArrayList<>(CategoryRules.validate(request.getName(), request.getSlug()));
    UUID parent = request.getParentId().isEmpty() ? null : Ids.parse(request.getParentId());
    if (!request.getParentId().isEmpty() && parent == null) {
      errors.add(new ApiProblem.FieldError("parentId", "is not a category"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    return categories.save(caller, id, request.getName().strip(), request.getSlug(), parent);
  }

  Future<DeleteCategoryResult> deleteCategory(CallContext caller, DeleteCategoryRequest request) {
    caller.requireRole("admin");
    UUID id = Ids.parse(request.getCategoryId());
    if (id == null) {
      return Future.failedFuture(
          ApiProblem.notFound("No category " + request.getCategoryId() + "."));
    }
    return categories.delete(caller, id).map(DeleteCategoryResult.getDefaultInstance());
  }
}
