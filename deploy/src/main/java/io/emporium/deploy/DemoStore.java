package io.emporium.deploy;

import com.google.protobuf.ByteString;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.proto.catalog.v1.AddProductImageRequest;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.Category;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.ProductSearch;
import io.emporium.proto.catalog.v1.SaveCategoryRequest;
import io.emporium.proto.catalog.v1.VariantDraft;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small believable shop for a first embedded start: categories, a seller, products with variants
 * and images. It goes in through the platform's own doors (REST registration, the catalog's gRPC
 * contract) and only once per data directory.
 */
final class DemoStore {
  private static final Logger LOG = LoggerFactory.getLogger(DemoStore.class);
  static final String MARKER = "demo-store.properties";
  static final String SELLER_EMAIL = "studio@juniper-oak.example";

  /** The platform itself, acting as an admin to lay out categories. */
  private static final CallContext PLATFORM =
      new CallContext("demo-store", new UUID(0, 0).toString(), "admin");

  private record Item(
      String name,
      String description,
      String category,
      long price,
      Color colour,
      List<VariantDraft> variants) {}

  private static VariantDraft variant(String sku, Map<String, String> attributes, int stock) {
    return VariantDraft.newBuilder()
        .setSku(sku)
        .putAllAttributes(attributes)
        .setStock(stock)
        .build();
  }

  private static final List<String[]> CATEGORIES =
      List.of(
          new String[] {"Kitchen", null},
          new String[] {"Mugs & Cups", "Kitchen"},
          new String[] {"Cookware", "Kitchen"},
          new String[] {"Apparel", null},
          new String[] {"Shirts", "Apparel"},
          new String[] {"Aprons", "Apparel"},
          new String[] {"Stationery", null},
          new String[] {"Notebooks", "Stationery"});

  private static final List<Item> ITEMS =
      List.of(
          new Item(
              "Stoneware mug",
              "Hand-thrown stoneware mug with a speckled glaze. Holds 350 ml.",
              "Mugs & Cups",
              2_400,
              new Color(0x5B7C99),
              List.of(
                  variant("DEMO-MUG-SLATE", Map.of("colour", "slate"), 40),
                  variant("DEMO-MUG-SAND", Map.of("colour", "sand"), 25))),
          new Item(
              "Espresso cup pair",
              "Two small porcelain cups for espresso, dishwasher safe.",
              "Mugs & Cups",
              1_900,
              new Color(0xC9A66B),
              List.of(variant("DEMO-ESPRESSO-2", Map.of("set", "2 cups"), 30))),
          new Item(
              "Cast iron skillet",
              "A 26 cm pre-seasoned cast iron skillet that lasts a lifetime.",
              "Cookware",
              5_900,
              new Color(0x333333),
              List.of(
                  variant("DEMO-SKILLET-26", Map.of("size", "26 cm"), 12),
                  variant("DEMO-SKILLET-30", Map.of("size", "30 cm"), 6))),
          new Item(
              "Copper saucepan",
              "Lined copper saucepan with a brass handle, 1.5 litres.",
              "Cookware",
              12_900,
              new Color(0xB87333),
              List.of(variant("DEMO-SAUCEPAN", Map.of("size", "1.5 l"), 4))),
          new Item(
              "Linen shirt",
              "Relaxed linen shirt, garment washed for softness.",
              "Shirts",
              6_500,
              new Color(0xE8E2D0),
              List.of(
                  variant("DEMO-LINEN-S", Map.of("size", "S"), 8),
                  variant("DEMO-LINEN-M", Map.of("size", "M"), 14),
                  variant("DEMO-LINEN-L", Map.of("size", "L"), 9))),
          new Item(
              "Oxford shirt",
              "Classic button-down oxford in brushed cotton.",
              "Shirts",
              5_400,
              new Color(0x9DB4D3),
              List.of(
                  variant("DEMO-OXFORD-M", Map.of("size", "M"), 20),
                  variant("DEMO-OXFORD-L", Map.of("size", "L"), 3))),
          new Item(
              "Canvas work apron",
              "Waxed canvas apron with leather straps and two pockets.",
              "Aprons",
              4_200,
              new Color(0x6B5B3E),
              List.of(variant("DEMO-APRON", Map.of("colour", "tobacco"), 18))),
          new Item(
              "Dot grid notebook",
              "A5 notebook, 160 numbered pages of 100 gsm dot grid paper.",
              "Notebooks",
              1_600,
              new Color(0x2F4F4F),
              List.of(
                  variant("DEMO-NOTEBOOK-A5", Map.of("format", "A5"), 60),
                  variant("DEMO-NOTEBOOK-A6", Map.of("format", "A6"), 45))),
          new Item(
              "Pocket sketchbook",
              "Stitched sketchbook with heavy cream paper for ink and pencil.",
              "Notebooks",
              1_200,
              new Color(0x8B3A3A),
              List.of(variant("DEMO-SKETCH", Map.of("format", "pocket"), 2))));

  private DemoStore() {}

  /**
   * Seeds the demo shop unless this data directory has had it (or the catalog already has
   * products).
   */
  static void seedOnce(Vertx vertx, EmporiumConfig config) {
    Path marker = config.dataDir.resolve(MARKER);
    if (Files.exists(marker)) {
      return;
    }
    GrpcClient client =
        GrpcServers.client(
            vertx, config, new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
    try {
      EmporiumConfig.GrpcPeer peer = config.grpc.get(Service.CATALOG);
      GrpcCalls catalog =
          new GrpcCalls(
              client,
              SocketAddress.inetSocketAddress(peer.peerPort(), peer.host()),
              "catalog",
              Duration.ofSeconds(30),
              new CallerSignature(config.jwtSecret));
      boolean empty =
          catalog
                  .call(
                      CatalogGrpcClient.SearchProducts,
                      ProductSearch.newBuilder().setLimit(1).build(),
                      PLATFORM)
                  .await()
                  .getProductsCount()
              == 0;
      if (!empty) {
        LOG.info("the catalog has products already: no demo store");
        write(marker, "seeded=false\n");
        return;
      }
      String password = password();
      String sellerId = registerSeller(config, password);
      CallContext seller = new CallContext("demo-store", sellerId, "seller");
      Map<String, String> categoryIds = new HashMap<>();
      for (String[] c : CATEGORIES) {
        SaveCategoryRequest.Builder request =
            SaveCategoryRequest.newBuilder()
                .setName(c[0])
                .setSlug(c[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        if (c[1] != null) {
          request.setParentId(categoryIds.get(c[1]));
        }
        Category saved =
            catalog.call(CatalogGrpcClient.SaveCategory, request.build(), PLATFORM).await();
        categoryIds.put(c[0], saved.getId());
      }
      for (Item item : ITEMS) {
        Product p =
            catalog
                .call(
                    CatalogGrpcClient.CreateProduct,
                    ProductDraft.newBuilder()
                        .setName(item.name())
                        .setDescription(item.description())
                        .setCategoryId(categoryIds.get(item.category()))
                        .setPrice(item.price())
                        .setCurrency("usd")
                        .setStatus("active")
                        .addAllVariants(item.variants())
                        .build(),
                    seller)
                .await();
        catalog
            .call(
                CatalogGrpcClient.AddProductImage,
                AddProductImageRequest.newBuilder()
                    .setProductId(p.getId())
                    .setContent(ByteString.copyFrom(picture(item.colour(), item.name())))
                    .build(),
                seller)
            .await();
      }
      write(
          marker,
          "seeded=true\nsellerEmail=" + SELLER_EMAIL + "\nsellerPassword=" + password + "\n");
      LOG.info(
          "seeded a demo store: {} categories, {} products by {} (password in {})",
          CATEGORIES.size(),
          ITEMS.size(),
          SELLER_EMAIL,
          marker);
    } catch (RuntimeException e) {
      LOG.warn("could not seed the demo store (the platform runs without it): {}", e.toString());
    } finally {
      client.close().await();
    }
  }

  private static String registerSeller(EmporiumConfig config, String password) {
    JsonObject body =
        new JsonObject()
            .put("email", SELLER_EMAIL)
            .put("password", password)
            .put("fullName", "Juniper & Oak Studio")
            .put("accountType", "seller");
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + config.appPort + "/api/v1/auth/register"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException(
            "registering the demo seller answered " + r.statusCode() + ": " + r.body());
      }
      return new JsonObject(r.body()).getJsonObject("user").getString("id");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A product picture: a soft gradient in the product's colour with a ring (shapes only: a headless
   * JVM may have no fonts).
   */
  static byte[] picture(Color colour, String name) {
    BufferedImage image = new BufferedImage(480, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, colour.brighter(), 480, 480, colour.darker()));
    g.fillRect(0, 0, 480, 480);
    g.setColor(new Color(255, 255, 255, 200));
    g.fillOval(140, 140, 200, 200);
    g.setColor(colour.darker());
    g.fillOval(140 + 40 + name.length() % 40, 180, 80, 80);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String password() {
    String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder p = new StringBuilder("Demo-");
    for (int i = 0; i < 16; i++) {
      p.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return p.toString();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
