package io.emporium.ordering.grpc;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.CartPricing;
import io.emporium.ordering.domain.CartPricing.Line;
import io.emporium.ordering.domain.CartTokens;
import io.emporium.ordering.domain.DiscountRules;
import io.emporium.ordering.store.CartStore;
import io.emporium.ordering.store.CartStore.StoredCart;
import io.emporium.ordering.store.DiscountStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.LookupVariantsRequest;
import io.emporium.proto.catalog.v1.VariantOffer;
import io.emporium.proto.ordering.v1.AddCartItemRequest;
import io.emporium.proto.ordering.v1.ApplyDiscountRequest;
import io.emporium.proto.ordering.v1.Cart;
import io.emporium.proto.ordering.v1.ChangeCartItemRequest;
import io.emporium.proto.ordering.v1.Discount;
import io.emporium.proto.ordering.v1.GetCartRequest;
import io.emporium.proto.ordering.v1.MergeCartRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Carts of {@code emporium.ordering.v1.Ordering}: a signed-in customer's, or a guest's addressed by
 * its token. Prices, names and availability come from the catalog on every read.
 */
public final class CartRpcs {
  private final CartStore carts;
  private final DiscountStore discounts;
  private final GrpcCalls catalog;

  public CartRpcs(CartStore carts, DiscountStore discounts, GrpcCalls catalog) {
    this.carts = carts;
    this.discounts = discounts;
    this.catalog = catalog;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(OrderingGrpcService.GetCart, (caller, r) -> read(caller, r.getCartToken()));
    endpoints.unary(OrderingGrpcService.AddCartItem, this::add);
    endpoints.unary(OrderingGrpcService.ChangeCartItem, this::change);
    endpoints.unary(OrderingGrpcService.ClearCart, this::clear);
    endpoints.unary(OrderingGrpcService.MergeCart, this::merge);
    endpoints.unary(OrderingGrpcService.ApplyDiscount, this::applyDiscount);
    endpoints.unary(
        OrderingGrpcService.RemoveDiscount,
        (caller, r) ->
            find(owner(caller, r.getCartToken()))
                .compose(
                    found ->
                        found.isEmpty()
                            ? Future.succeededFuture()
                            : carts.setDiscountCode(found.get().id(), null))
                .compose(v -> read(caller, r.getCartToken())));
  }

  Future<Cart> applyDiscount(CallContext caller, ApplyDiscountRequest request) {
    Owner owner = owner(caller, request.getCartToken());
    String code = DiscountRules.normalize(request.getCode());
    return find(owner)
        .compose(
            found -> {
              if (found.isEmpty() || found.get().lines().isEmpty()) {
                return Future.failedFuture(
                    ApiProblem.invalid(
                        "code", "applies to a cart with items; add something first"));
              }
              StoredCart stored = found.get();
              return priced(
                      caller, new StoredCart(stored.id(), stored.currency(), null, stored.lines()))
                  .compose(
                      cart ->
                          discounts
                              .byCode(code)
                              .compose(
                                  d -> {
                                    Discount discount =
                                        d.orElseThrow(
                                            () ->
                                                ApiProblem.invalid("code", "is not a valid code"));
                                    return refusal(caller, discount, cart)
                                        .compose(
                                            refused ->
                                                refused.isPresent()
                                                    ? Future.failedFuture(
                                                        ApiProblem.invalid("code", refused.get()))
                                                    : carts
                                                        .setDiscountCode(stored.id(), code)
                                                        .compose(
                                                            v ->
                                                                read(
                                                                    caller,
                                                                    request.getCartToken())));
                                  }));
            });
  }

  /**
   * Why the code does not apply to the priced cart now, for this caller (per-customer limits count
   * their redemptions).
   */
  private Future<Optional<String>> refusal(CallContext caller, Discount discount, Cart cart) {
    return discounts.refusal(
        discount,
        caller.authenticated() ? Ids.parse(caller.userId()) : null,
        cart.getSubtotal(),
        cart.getCurrency());
  }

  /** Whose cart a call is about: the customer's own, or the guest's whose token it carries. */
  @SuppressWarnings(
      "ArrayRecordComponent") // a carrier of one call's values, never compared or hashed
  private record Owner(UUID userId, byte[] tokenHash) {
    boolean none() {
      return userId == null && tokenHash == null;
    }
  }

  private static Owner owner(CallContext caller, String cartToken) {
    if (caller.authenticated()) {
      return new Owner(caller.requireRole("customer"), null);
    }
    return new Owner(null, cartToken.isEmpty() ? null : CartTokens.hash(cartToken));
  }

  private Future<Optional<StoredCart>> find(Owner owner) {
    if (owner.none()) {
      return Future.succeededFuture(Optional.empty());
    }
    return owner.userId() != null ? carts.ofUser(owner.userId()) : carts.ofGuest(owner.tokenHash());
  }

  Future<Cart> read(CallContext caller, String cartToken) {
    return find(owner(caller, cartToken))
        .compose(
            found ->
                found.isEmpty()
                    ? Future.succeededFuture(
                        Cart.newBuilder().setCurrency(CartStore.DEFAULT_CURRENCY).build())
                    : priced(caller, found.get()));
  }

  /** The stored cart priced now; the prices shown are remembered so a change is reported once. */
  private Future<Cart> priced(CallContext caller, StoredCart stored) {
    return offers(caller, stored.lines().stream().map(Line::sku).toList(), List.of())
        .compose(
            offers -> {
              Cart cart =
                  CartPricing.price(
                      stored.id().toString(), stored.currency(), stored.lines(), offers);
              List<Line> changed = new ArrayList<>();
              for (int i = 0; i < stored.lines().size(); i++) {
                Line line = stored.lines().get(i);
                var shown = cart.getItems(i);
                if (shown.getUnitPrice() != line.unitPrice()
                    || !shown.getName().equals(line.name())) {
                  changed.add(
                      new Line(
                          line.id(),
                          line.productId(),
                          line.sku(),
                          shown.getName(),
                          shown.getUnitPrice(),
                          line.quantity()));
                }
              }
              return carts
                  .reprice(stored.id(), changed)
                  .compose(v -> discounted(caller, stored, cart));
            });
  }

  /**
   * The cart with its discount taken off, or with a warning (and the code dropped) when the code no
   * longer applies.
   */
  private Future<Cart> discounted(CallContext caller, StoredCart stored, Cart cart) {
    if (stored.discountCode() == null) {
      return Future.succeededFuture(cart);
    }
    return discounts
        .byCode(stored.discountCode())
        .compose(
            found -> {
              if (found.isEmpty()) {
                return dropCode(
                    stored,
                    cart,
                    "The code " + stored.discountCode() + " no longer exists; it was removed.");
              }
              Discount d = found.get();
              return refusal(caller, d, cart)
                  .compose(
                      refused -> {
                        if (refused.isPresent()) {
                          return dropCode(
                              stored,
                              cart,
                              "The code "
                                  + d.getCode()
                                  + " "
                                  + refused.get()
                                  + "; it was removed.");
                        }
                        long off = DiscountRules.amount(d, cart.getSubtotal());
                        return Future.succeededFuture(
                            cart.toBuilder()
                                .setDiscountCode(d.getCode())
                                .setDiscount(off)
                                .setTotal(cart.getSubtotal() - off)
                                .build());
                      });
            });
  }

  private Future<Cart> dropCode(StoredCart stored, Cart cart, String warning) {
    return carts
        .setDiscountCode(stored.id(), null)
        .map(cart.toBuilder().addWarnings(warning).build());
  }

  Future<Cart> add(CallContext caller, AddCartItemRequest request) {
    Owner owner = owner(caller, request.getCartToken());
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    UUID productId = Ids.parse(request.getProductId());
    if (productId == null) {
      errors.add(new ApiProblem.FieldError("productId", "must be a product id"));
    }
    if (request.getQuantity() < 1 || request.getQuantity() > CartPricing.MAX_QUANTITY) {
      errors.add(
          new ApiProblem.FieldError(
              "quantity", "must be a whole number from 1 to " + CartPricing.MAX_QUANTITY));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    return offers(caller, List.of(), List.of(productId))
        .compose(
            offers -> {
              VariantOffer offer = chooseVariant(request, offers.values());
              String issued = owner.none() ? CartTokens.issue() : null;
              Owner effective = issued == null ? owner : new Owner(null, CartTokens.hash(issued));
              return find(effective)
                  .compose(
                      found ->
                          found.isPresent()
                              ? Future.succeededFuture(found.get())
                              : create(effective, offer.getCurrency()))
                  .compose(
                      cart -> {
                        if (!cart.lines().isEmpty()
                            && !cart.currency().equals(offer.getCurrency())) {
                          return Future.failedFuture(
                              ApiProblem.conflict(
                                  "This cart holds "
                                      + cart.currency()
                                      + " items; "
                                      + offer.getProductName()
                                      + " is sold in "
                                      + offer.getCurrency()
                                      + "."));
                        }
                        int max =
                            Math.min(CartPricing.MAX_QUANTITY, Math.max(0, offer.getAvailable()));
                        int held =
                            cart.lines().stream()
                                .filter(l -> l.sku().equals(offer.getSku()))
                                .mapToInt(Line::quantity)
                                .sum();
                        if (cart.lines().size() >= CartPricing.MAX_ITEMS && held == 0) {
                          return Future.failedFuture(
                              ApiProblem.conflict(
                                  "A cart holds at most "
                                      + CartPricing.MAX_ITEMS
                                      + " different items."));
                        }
                        Line line =
                            new Line(
                                null,
                                offer.getProductId(),
                                offer.getSku(),
                                offer.getProductName(),
                                offer.getPrice(),
                                request.getQuantity());
                        return carts
                            .adoptCurrency(cart.id(), offer.getCurrency())
                            .compose(v -> carts.add(cart.id(), line, request.getQuantity(), max))
                            .compose(
                                added -> {
                                  if (added.isEmpty()) {
                                    return Future.failedFuture(
                                        ApiProblem.conflict(
                                            "Only "
                                                + max
                                                + " of "
                                                + offer.getProductName()
                                                + " ("
                                                + offer.getSku()
                                                + ") can be bought now; the cart already holds "
                                                + held
                                                + "."));
                                  }
                                  return find(effective)
                                      .compose(now -> priced(caller, now.orElseThrow()));
                                });
                      })
                  .map(
                      cart ->
                          issued == null
                              ? cart
                              : cart.toBuilder().setIssuedCartToken(issued).build());
            });
  }

  /** The variant an add means: the named sku of the product, or its only variant. */
  private static VariantOffer chooseVariant(
      AddCartItemRequest request, java.util.Collection<VariantOffer> offers) {
    List<VariantOffer> ofProduct = offers.stream().filter(VariantOffer::getPurchasable).toList();
    if (ofProduct.isEmpty()) {
      throw ApiProblem.notFound("No product " + request.getProductId() + " is for sale.");
    }
    if (!request.getSku().isEmpty()) {
      return ofProduct.stream()
          .filter(o -> o.getSku().equals(request.getSku()))
          .findFirst()
          .orElseThrow(() -> ApiProblem.invalid("sku", "is not a variant of this product"));
    }
    if (ofProduct.size() > 1) {
      throw ApiProblem.invalid(
          "sku",
          "is required: the product comes in "
              + String.join(", ", ofProduct.stream().map(VariantOffer::getSku).toList()));
    }
    return ofProduct.get(0);
  }

  private Future<StoredCart> create(Owner owner, String currency) {
    Future<UUID> id =
        owner.userId() != null
            ? carts.createForUser(owner.userId(), currency)
            : carts.createForGuest(owner.tokenHash(), currency);
    return id.map(created -> new StoredCart(created, currency, null, List.of()));
  }

  Future<Cart> change(CallContext caller, ChangeCartItemRequest request) {
    Owner owner = owner(caller, request.getCartToken());
    if (request.getQuantity() < 0 || request.getQuantity() > CartPricing.MAX_QUANTITY) {
      return Future.failedFuture(
          ApiProblem.invalid(
              "quantity", "must be a whole number from 0 (remove) to " + CartPricing.MAX_QUANTITY));
    }
    UUID itemId = Ids.parse(request.getItemId());
    ApiProblem missing = ApiProblem.notFound("Your cart has no item " + request.getItemId() + ".");
    return find(owner)
        .compose(
            found -> {
              StoredCart cart = found.orElseThrow(() -> missing);
              Line line =
                  cart.lines().stream()
                      .filter(l -> l.id().equals(String.valueOf(itemId)))
                      .findFirst()
                      .orElseThrow(() -> missing);
              Future<Void> allowed =
                  request.getQuantity() <= line.quantity()
                      ? Future.succeededFuture()
                      : offers(caller, List.of(line.sku()), List.of())
                          .compose(
                              offers -> {
                                VariantOffer offer = offers.get(line.sku());
                                int available =
                                    offer == null || !offer.getPurchasable()
                                        ? 0
                                        : offer.getAvailable();
                                return request.getQuantity() <= available
                                    ? Future.succeededFuture()
                                    : Future.failedFuture(
                                        ApiProblem.conflict(
                                            "Only "
                                                + available
                                                + " of "
                                                + line.name()
                                                + " ("
                                                + line.sku()
                                                + ") can be bought now."));
                              });
              return allowed
                  .compose(v -> carts.setQuantity(cart.id(), itemId, request.getQuantity()))
                  .compose(done -> find(owner))
                  .compose(now -> priced(caller, now.orElseThrow()));
            });
  }

  Future<Cart> clear(CallContext caller, GetCartRequest request) {
    Owner owner = owner(caller, request.getCartToken());
    return find(owner)
        .compose(
            found -> found.isEmpty() ? Future.succeededFuture() : carts.clear(found.get().id()))
        .compose(v -> read(caller, request.getCartToken()));
  }

  Future<Cart> merge(CallContext caller, MergeCartRequest request) {
    UUID customer = caller.requireRole("customer");
    if (request.getCartToken().isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid("cartToken", "is required"));
    }
    return carts
        .ofGuest(CartTokens.hash(request.getCartToken()))
        .compose(
            found -> {
              StoredCart guest =
                  found.orElseThrow(() -> ApiProblem.notFound("No guest cart holds this token."));
              return carts
                  .ofUser(customer)
                  .compose(
                      mine ->
                          mine.isPresent()
                              ? Future.succeededFuture(mine.get())
                              : create(new Owner(customer, null), guest.currency()))
                  .compose(
                      mine -> {
                        if (!mine.lines().isEmpty()
                            && !guest.lines().isEmpty()
                            && !mine.currency().equals(guest.currency())) {
                          return Future.failedFuture(
                              ApiProblem.conflict(
                                  "Your cart holds "
                                      + mine.currency()
                                      + " items and the guest cart "
                                      + guest.currency()
                                      + " items; they cannot be merged."));
                        }
                        return offers(
                                caller, guest.lines().stream().map(Line::sku).toList(), List.of())
                            .compose(
                                offers -> {
                                  Map<String, Integer> caps = new HashMap<>();
                                  List<String> notes = new ArrayList<>();
                                  for (Line l : guest.lines()) {
                                    VariantOffer offer = offers.get(l.sku());
                                    int cap =
                                        offer == null || !offer.getPurchasable()
                                            ? 0
                                            : Math.min(
                                                CartPricing.MAX_QUANTITY, offer.getAvailable());
                                    caps.put(l.sku(), cap);
                                    int already =
                                        mine.lines().stream()
                                            .filter(m -> m.sku().equals(l.sku()))
                                            .mapToInt(Line::quantity)
                                            .sum();
                                    if (already + l.quantity() > cap) {
                                      notes.add(
                                          cap == 0
                                              ? l.name()
                                                  + " ("
                                                  + l.sku()
                                                  + ") could not be kept: it is not available."
                                              : "Only "
                                                  + cap
                                                  + " of "
                                                  + l.name()
                                                  + " ("
                                                  + l.sku()
                                                  + ") are available; the cart now holds that many.");
                                    }
                                  }
                                  return carts
                                      .adoptCurrency(mine.id(), guest.currency())
                                      .compose(v -> carts.merge(guest, mine.id(), caps))
                                      .compose(v -> carts.ofUser(customer))
                                      .compose(now -> priced(caller, now.orElseThrow()))
                                      .map(cart -> cart.toBuilder().addAllWarnings(notes).build());
                                });
                      });
            });
  }

  /** The catalog's offers for these skus and products, by sku. */
  private Future<Map<String, VariantOffer>> offers(
      CallContext caller, List<String> skus, List<UUID> productIds) {
    if (skus.isEmpty() && productIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    LookupVariantsRequest request =
        LookupVariantsRequest.newBuilder()
            .addAllSkus(skus)
            .addAllProductIds(productIds.stream().map(UUID::toString).toList())
            .build();
    return catalog
        .call(CatalogGrpcClient.LookupVariants, request, CallContext.anonymous(caller.requestId()))
        .map(
            found -> {
              Map<String, VariantOffer> bySku = new HashMap<>();
              found.getOffersList().forEach(o -> bySku.put(o.getSku(), o));
              return bySku;
            });
  }
}
