package io.emporium.catalog.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.VariantDraft;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What a product may look like, and the status a new one starts in. Pure. */
public final class ProductRules {
  public static final int MAX_NAME = 200;
  public static final int MAX_DESCRIPTION = 5000;
  public static final long MAX_PRICE = 100_000_000_00L;
  public static final int MAX_STOCK = 1_000_000;
  public static final int MAX_VARIANTS = 100;
  public static final int MAX_ATTRIBUTES = 20;
  private static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> CURRENCIES = currencies();
  private static final Set<String> STATUSES = Set.of("draft", "active", "archived");

  private ProductRules() {}

  public static List<FieldError> validate(ProductDraft d) {
    List<FieldError> errors = new ArrayList<>();
    if (d.getName().isBlank()) {
      errors.add(new FieldError("name", "is required"));
    } else if (d.getName().strip().length() > MAX_NAME) {
      errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
    }
    if (d.getDescription().length() > MAX_DESCRIPTION) {
      errors.add(
          new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
    }
    if (!d.getSlug().isEmpty()) {
      SlugRules.problem(d.getSlug()).ifPresent(m -> errors.add(new FieldError("slug", m)));
    }
    price("price", d.getPrice(), errors);
    if (!CURRENCIES.contains(d.getCurrency())) {
      errors.add(
          new FieldError("currency", "must be a lower-case ISO 4217 code such as usd or eur"));
    }
    if (d.hasStock() && (d.getStock() < 0 || d.getStock() > MAX_STOCK)) {
      errors.add(new FieldError("stock", "must be from 0 to " + MAX_STOCK));
    }
    if (d.hasLowStockThreshold()
        && (d.getLowStockThreshold() < 0 || d.getLowStockThreshold() > MAX_STOCK)) {
      errors.add(new FieldError("lowStockThreshold", "must be from 0 to " + MAX_STOCK));
    }
    if (!d.getStatus().isEmpty() && !STATUSES.contains(d.getStatus())) {
      errors.add(new FieldError("status", "must be draft, active or archived"));
    }
    if (d.getVariantsCount() > MAX_VARIANTS) {
      errors.add(new FieldError("variants", "must be at most " + MAX_VARIANTS));
    }
    if (d.getVariantsCount() > 0 && d.hasStock()) {
      errors.add(new FieldError("stock", "belongs to each variant when there are variants"));
    }
    if (d.getImageUrlsCount() > ImageRules.MAX_IMAGES) {
      errors.add(new FieldError("images", "must be at most " + ImageRules.MAX_IMAGES));
    }
    for (int i = 0; i < d.getImageUrlsCount(); i++) {
      String field = "images[" + i + "]";
      ImageRules.urlProblem(d.getImageUrls(i))
          .ifPresent(message -> errors.add(new FieldError(field, message)));
    }
    Set<String> skus = new HashSet<>();
    for (int i = 0; i < d.getVariantsCount(); i++) {
      VariantDraft v = d.getVariants(i);
      String at = "variants[" + i + "].";
      if (!SKU.matcher(v.getSku()).matches()) {
        errors.add(
            new FieldError(
                at + "sku", "must be 1-64 letters, digits, dots, dashes or underscores"));
      } else if (!skus.add(v.getSku().toUpperCase(Locale.ROOT))) {
        errors.add(new FieldError(at + "sku", "repeats another variant's sku"));
      }
      if (v.hasPrice()) {
        price(at + "price", v.getPrice(), errors);
      }
      if (v.getStock() < 0 || v.getStock() > MAX_STOCK) {
        errors.add(new FieldError(at + "stock", "must be from 0 to " + MAX_STOCK));
      }
      if (v.getAttributesCount() > MAX_ATTRIBUTES) {
        errors.add(
            new FieldError(at + "attributes", "must have at most " + MAX_ATTRIBUTES + " entries"));
      }
      for (Map.Entry<String, String> a : v.getAttributesMap().entrySet()) {
        if (a.getKey().isBlank() || a.getKey().length() > 50 || a.getValue().length() > 100) {
          errors.add(
              new FieldError(
                  at + "attributes", "names must be 1-50 and values at most 100 characters"));
          break;
        }
      }
    }
    return errors;
  }

  /**
   * A new product's status: drafts stay drafts; a seller's product waits for review when approval
   * is on.
   */
  public static String initialStatus(String requested, boolean byAdmin, boolean approvalRequired) {
    if ("draft".equals(requested) || "archived".equals(requested)) {
      return requested;
    }
    return approvalRequired && !byAdmin ? "pending_review" : "active";
  }

  /**
   * The status a change asks for, as it may be granted: a seller's request to go live waits for
   * review when approval is on (and a product under review stays there); nobody asks for review
   * directly.
   */
  public static String changedStatus(
      String current, String requested, boolean byAdmin, boolean approvalRequired) {
    if (!requested.equals("active") || byAdmin) {
      return requested;
    }
    if (current.equals("active")) {
      return "active";
    }
    return approvalRequired ? "pending_review" : "active";
  }

  private static void price(String field, long price, List<FieldError> errors) {
    if (price < 0 || price > MAX_PRICE) {
      errors.add(
          new FieldError(field, "must be a whole number of minor units from 0 to " + MAX_PRICE));
    }
  }

  private static Set<String> currencies() {
    Set<String> codes = new HashSet<>();
    Currency.getAvailableCurrencies()
        .forEach(c -> codes.add(c.getCurrencyCode().toLowerCase(Locale.ROOT)));
    return Set.copyOf(codes);
  }
}
