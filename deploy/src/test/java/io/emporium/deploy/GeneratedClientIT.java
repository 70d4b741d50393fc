package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.client.ApiClient;
import io.emporium.client.ApiResponse;
import io.emporium.client.api.CartApi;
import io.emporium.client.api.CatalogApi;
import io.emporium.client.api.CheckoutApi;
import io.emporium.client.api.DevelopmentApi;
import io.emporium.client.api.IdentityApi;
import io.emporium.client.api.OrdersApi;
import io.emporium.client.model.AddressInput;
import io.emporium.client.model.Cart;
import io.emporium.client.model.CartItem;
import io.emporium.client.model.CartItemInput;
import io.emporium.client.model.CheckoutRequest;
import io.emporium.client.model.CheckoutSession;
import io.emporium.client.model.LoginRequest;
import io.emporium.client.model.Mail;
import io.emporium.client.model.Order;
import io.emporium.client.model.OrderStatus;
import io.emporium.client.model.Product;
import io.emporium.client.model.ProductInput;
import io.emporium.client.model.ProductSearchPage;
import io.emporium.client.model.RegisterRequest;
import io.emporium.client.model.TokenPair;
import io.emporium.client.model.VariantInput;
import io.emporium.client.model.VerifyEmailRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java client generated from the OpenAPI document (module api-clients) against the real
 * platform.
 */
@ExtendWith(TestPlatform.class)
class GeneratedClientIT {

  @Test
  void aShopperRegistersFindsAProductFillsTheCartAndChecksOutThroughTheGeneratedClient()
      throws Exception {
    ApiClient seller = signedIn(RegisterRequest.AccountTypeEnum.SELLER);
    String word = word();
    String sku = "GEN-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Product made =
        new CatalogApi(seller)
            .createProduct(
                new ProductInput()
                    .name("Birch " + word + " tray")
                    .price(3_000L)
                    .currency("usd")
                    .variants(List.of(new VariantInput().sku(sku).stock(5))),
                null);

    ApiClient shopper = signedIn(RegisterRequest.AccountTypeEnum.CUSTOMER);
    ProductSearchPage found =
        new CatalogApi(shopper)
            .searchProducts(word, null, null, null, null, null, null, null, null, null);
    assertThat(found.getItems()).extracting(Product::getId).containsExactly(made.getId());

    Cart cart =
        new CartApi(shopper)
            .addCartItem(new CartItemInput().productId(made.getId()).quantity(2), null, null);
    assertThat(cart.getItems())
        .extracting(CartItem::getSku, CartItem::getQuantity)
        .containsExactly(Tuple.tuple(sku, 2));
    assertThat(cart.getTotal()).isEqualTo(6_000L);

    ApiResponse<CheckoutSession> started =
        new CheckoutApi(shopper)
            .checkoutWithHttpInfo(
                UUID.randomUUID().toString(),
                new CheckoutRequest()
                    .address(
                        new AddressInput()
                            .name("Grace Hopper")
                            .line1("1 Harbor Road")
                            .city("Arlington")
                            .postalCode("22201")
                            .country("US"))
                    .successUrl("https://shop.example/thanks?session={CHECKOUT_SESSION_ID}")
                    .cancelUrl(URI.create("https://shop.example/cart")),
                null,
                null);
    assertThat(started.getStatusCode()).isEqualTo(201);
    CheckoutSession session = started.getData();
    assertThat(session.getCheckoutUrl())
        .asString()
        .startsWith(TestPlatform.platform().stripeEmulatorUrl());
    assertThat(session.getTotal())
        .as("free shipping from 5 000, no tax outside DE")
        .isEqualTo(6_000L);

    Order order = new OrdersApi(shopper).getOrder(session.getOrderId(), null, null);
    assertThat(order.getStatus()).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(order.getDiscountCode()).as("a nullable field read back as null").isNull();
    assertThat(order.getItems())
        .singleElement()
        .satisfies(line -> assertThat(line.getSku()).isEqualTo(sku));
  }

  /**
   * A client of the generated kind for the test platform's edge, sending the bearer token when
   * there is one.
   */
  private static ApiClient client(String accessToken) {
    ApiClient client = new ApiClient().setReadTimeout(Duration.ofSeconds(30));
    client.updateBaseUri("http://localhost:" + TestPlatform.config().appPort);
    if (accessToken != null) {
      client.setRequestInterceptor(
          request -> request.header("Authorization", "Bearer " + accessToken));
    }
    return client;
  }

  /**
   * Registers, verifies the email with the code from the development mailbox and logs in, all
   * through the client.
   */
  private static ApiClient signedIn(RegisterRequest.AccountTypeEnum type) throws Exception {
    String email = Accounts.uniqueEmail("generated-" + type);
    IdentityApi identity = new IdentityApi(client(null));
    identity.register(
        new RegisterRequest()
            .email(email)
            .password(Accounts.PASSWORD)
            .fullName("Grace Hopper")
            .accountType(type),
        null);
    identity.verifyEmail(new VerifyEmailRequest().email(email).code(mailedCode(email)), null);
    TokenPair tokens =
        identity.login(new LoginRequest().email(email).password(Accounts.PASSWORD), null);
    assertThat(tokens.getUser().getEmail()).isEqualTo(email);
    return client(tokens.getAccessToken());
  }

  private static String mailedCode(String email) throws Exception {
    DevelopmentApi mailbox = new DevelopmentApi(client(null));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<Mail> mails = mailbox.devMailbox(email, null);
    while (mails.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      mails = mailbox.devMailbox(email, null);
    }
    assertThat(mails).as("mails to " + email).isNotEmpty();
    String code = Accounts.verificationCode(mails.get(mails.size() - 1).getText());
    assertThat(code).as("the verification mail's code").isNotNull();
    return code;
  }

  /** A made-up word no other test uses, so the search finds only this test's product. */
  private static String word() {
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      w.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
    }
    return w.toString();
  }
}
