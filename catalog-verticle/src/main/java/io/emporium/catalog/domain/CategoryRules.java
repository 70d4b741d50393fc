package io.emporium.catalog.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The rules of the category tree: valid names and slugs, and no category under itself. Pure. */
public final class CategoryRules {
  public static final int MAX_NAME = 100;
  public static final int MAX_DEPTH = 8;
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private CategoryRules() {}

  /** Whether some category could have this slug. */
  public static boolean isSlug(String slug) {
    return slug.length() <= MAX_NAME && SLUG.matcher(slug).matches();
  }

  public static List<FieldError> validate(String name, String slug) {
    List<FieldError> errors = new ArrayList<>();
    if (name == null || name.isBlank()) {
      errors.add(new FieldError("name", "is required"));
    } else if (name.strip().length() > MAX_NAME) {
      errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
    }
    if (slug == null || slug.isBlank()) {
      errors.add(new FieldError("slug", "is required"));
    } else if (!isSlug(slug)) {
      errors.add(
          new FieldError("slug", "must be lower-case letters and digits joined by single hyphens"));
    }
    return errors;
  }

  /**
   * Why {@code category} cannot go under {@code newParent}, given every category's parent; empty
   * when it can. A parent that is the category itself or one of its descendants would make a cycle.
   */
  public static Optional<String> checkParent(
      UUID category, UUID newParent, Map<UUID, UUID> parentOf) {
    if (newParent == null) {
      return Optional.empty();
    }
    int depth = 1;
    for (UUID at = newParent; at != null; at = parentOf.get(at)) {
      if (at.equals(category)) {
        return Optional.of("a category cannot be moved under itself or one of its subcategories");
      }
      if (++depth > MAX_DEPTH) {
        return Optional.of("categories nest at most " + MAX_DEPTH + " levels deep");
      }
    }
    return Optional.empty();
  }
}
