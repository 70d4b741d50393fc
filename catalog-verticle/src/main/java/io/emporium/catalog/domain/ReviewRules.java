package io.emporium.catalog.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.catalog.v1.ReviewDraft;
import java.util.ArrayList;
import java.util.List;

/** What a review may say. Pure. */
public final class ReviewRules {
  public static final int MAX_TITLE = 200;
  public static final int MAX_BODY = 5000;

  private ReviewRules() {}

  public static List<FieldError> validate(ReviewDraft d) {
    List<FieldError> errors = new ArrayList<>();
    if (d.getRating() < 1 || d.getRating() > 5) {
      errors.add(new FieldError("rating", "must be a whole number of stars from 1 to 5"));
    }
    if (d.getTitle().strip().length() > MAX_TITLE) {
      errors.add(new FieldError("title", "must be at most " + MAX_TITLE + " characters"));
    }
    if (d.getBody().isBlank()) {
      errors.add(new FieldError("body", "is required"));
    } else if (d.getBody().strip().length() > MAX_BODY) {
      errors.add(new FieldError("body", "must be at most " + MAX_BODY + " characters"));
    }
    return errors;
  }
}
