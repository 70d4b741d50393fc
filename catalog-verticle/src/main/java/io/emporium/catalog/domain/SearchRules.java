package io.emporium.catalog.domain;

import io.emporium.common.Ids;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.catalog.v1.ProductSearch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What a product search may ask for, the orders a listing comes in, and its opaque keyset cursors.
 * Pure.
 */
public final class SearchRules {
  public static final int MAX_QUERY = 200;
  public static final int MAX_WORDS = 10;
  public static final int MAX_WORD = 40;
  public static final int MAX_PAGE = 100;

  /** Upper bounds (exclusive, minor units) of the price-range facets; the last range is open. */
  public static final List<Long> PRICE_BOUNDS = List.of(1_000L, 2_500L, 5_000L, 10_000L, 25_000L);

  private SearchRules() {}

  /** A listing order and the value a product is positioned by in it. */
  public enum Sort {
    RELEVANCE("relevance"),
    PRICE("price"),
    PRICE_DESCENDING("-price"),
    NEWEST("newest"),
    RATING("rating");

    public final String key;

    Sort(String key) {
      this.key = key;
    }

    public static Optional<Sort> of(String key) {
      return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }
  }

  /** The last item of a page in its order: the sort it belongs to, its sort value and its id. */
  public record Cursor(Sort sort, String value, UUID id) {
    public String encode() {
      String raw = sort.key + "|" + value + "|" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Optional<Cursor> decode(String encoded) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8)
                .split("\\|", 3);
        return Sort.of(parts[0]).map(sort -> new Cursor(sort, parts[1], UUID.fromString(parts[2])));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * The order a search is listed in: the asked one, else relevance for a query and newest without.
   */
  public static Sort sort(ProductSearch s) {
    if (s.getSort().isEmpty()) {
      return words(s.getQuery()).isEmpty() ? Sort.NEWEST : Sort.RELEVANCE;
    }
    return Sort.of(s.getSort()).orElseThrow();
  }

  public static List<FieldError> validate(ProductSearch s) {
    List<FieldError> errors = new ArrayList<>();
    if (s.getQuery().length() > MAX_QUERY) {
      errors.add(new FieldError("q", "must be at most " + MAX_QUERY + " characters"));
    } else if (words(s.getQuery()).size() > MAX_WORDS) {
      errors.add(new FieldError("q", "must have at most " + MAX_WORDS + " words"));
    }
    if (!s.getCategoryId().isEmpty() && Ids.parse(s.getCategoryId()) == null) {
      errors.add(new FieldError("category", "must be a category id"));
    }
    if (!s.getSellerId().isEmpty() && Ids.parse(s.getSellerId()) == null) {
      errors.add(new FieldError("seller", "must be a seller id"));
    }
    if (s.hasMinPrice() && s.getMinPrice() < 0) {
      errors.add(new FieldError("minPrice", "must be a whole number of minor units, 0 or more"));
    }
    if (s.hasMaxPrice() && s.getMaxPrice() < 0) {
      errors.add(new FieldError("maxPrice", "must be a whole number of minor units, 0 or more"));
    }
    if (s.hasMinPrice() && s.hasMaxPrice() && s.getMinPrice() > s.getMaxPrice()) {
      errors.add(new FieldError("maxPrice", "must not be below minPrice"));
    }
    Optional<Sort> sort = s.getSort().isEmpty() ? Optional.of(sort(s)) : Sort.of(s.getSort());
    if (sort.isEmpty()) {
      errors.add(new FieldError("sort", "must be one of relevance, price, -price, newest, rating"));
    } else if (sort.get() == Sort.RELEVANCE && words(s.getQuery()).isEmpty()) {
      errors.add(new FieldError("sort", "relevance needs a query (q)"));
    }
    if (s.getLimit() < 1 || s.getLimit() > MAX_PAGE) {
      errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_PAGE));
    }
    if (!s.getCursor().isEmpty()) {
      Optional<Cursor> cursor = Cursor.decode(s.getCursor());
      if (cursor.isEmpty() || SearchIndex.After.of(cursor.get()) == null) {
        errors.add(new FieldError("cursor", "is not a cursor this API issued"));
      } else if (sort.isPresent() && cursor.get().sort() != sort.get()) {
        errors.add(
            new FieldError("cursor", "belongs to a listing sorted by " + cursor.get().sort().key));
      }
    }
    return errors;
  }

  /**
   * The words of a query: lower-case runs of letters and digits, each at most {@link #MAX_WORD}
   * long.
   */
  public static List<String> words(String query) {
    List<String> words = new ArrayList<>();
    for (String w : query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) {
        words.add(w.length() > MAX_WORD ? w.substring(0, MAX_WORD) : w);
      }
    }
    return words;
  }
}
