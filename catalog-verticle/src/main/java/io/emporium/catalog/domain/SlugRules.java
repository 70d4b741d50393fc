package io.emporium.catalog.domain;

import java.text.Normalizer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A product's slug, the last segment of its address: what one may look like, the one a name makes,
 * and the numbered one that goes to a product whose name another product's slug already has. Pure.
 */
public final class SlugRules {
  public static final int MAX_LENGTH = 100;

  /** A slug made from a name stops here, leaving room for a numeric suffix. */
  public static final int MAX_FROM_NAME = 80;

  /** The slug of a name with no letter or digit in the Latin alphabet. */
  static final String FALLBACK = "product";

  public static final String MALFORMED =
      "must be lower-case letters and digits joined by single hyphens, at most "
          + MAX_LENGTH
          + " characters";

  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SEPARATORS = Pattern.compile("[^a-z0-9]+");

  /** Latin letters that no accent stripping turns into ASCII. */
  private static final Map<String, String> LETTERS =
      Map.of(
          "ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "đ", "d", "ł", "l", "þ", "th", "ħ", "h", "ı",
          "i", "ŧ", "t");

  private SlugRules() {}

  public static boolean isWellFormed(String slug) {
    return slug != null && slug.length() <= MAX_LENGTH && SLUG.matcher(slug).matches();
  }

  /** Why a slug a seller chose cannot be one; empty when it can. */
  public static Optional<String> problem(String slug) {
    return isWellFormed(slug) ? Optional.empty() : Optional.of(MALFORMED);
  }

  /**
   * The slug a product name makes: lower case, accents dropped, every run of anything but ASCII
   * letters and digits one hyphen, none at either end, at most {@link #MAX_FROM_NAME} characters.
   */
  public static String fromName(String name) {
    String text = name == null ? "" : name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> letter : LETTERS.entrySet()) {
      text = text.replace(letter.getKey(), letter.getValue());
    }
    text = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    String slug = trimHyphens(SEPARATORS.matcher(text).replaceAll("-"));
    if (slug.length() > MAX_FROM_NAME) {
      slug = trimHyphens(slug.substring(0, MAX_FROM_NAME));
    }
    return slug.isEmpty() ? FALLBACK : slug;
  }

  /**
   * {@code base} when no product has it, else {@code base-2}, {@code base-3}, ... the first of them
   * not among {@code taken}.
   */
  public static String firstFree(String base, Collection<String> taken) {
    Set<String> used = new HashSet<>(taken);
    if (!used.contains(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String candidate = base + "-" + n;
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * The slugs that sort from {@code base} up to this bound (in the "C" collation) are {@code base}
   * itself and every {@code base-...}: all that {@link #firstFree} may need to know of.
   */
  public static String upperBound(String base) {
    // '.' follows '-' in ASCII and precedes every letter and digit
    return base + ".";
  }

  private static String trimHyphens(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '-') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '-') {
      to--;
    }
    return s.substring(from, to);
  }
}
