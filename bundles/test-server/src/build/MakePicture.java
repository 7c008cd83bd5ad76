import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * Makes the test site's pictures at build time, so no binary lives in the repository:
 * {@code big-picture.png} (1600x1200, a Julia set over a plasma, with an invisible grain that keeps
 * the PNG well over 1 MiB: tests fetch a file that big), {@code small-picture.png} (its 400x300
 * thumbnail) and {@code favicon.ico} (16x16 and 32x32). The output is the same on every run.
 *
 * <p>Run with Java 11 or later: {@code java src/build/MakePicture.java <site directory>}.
 */
public final class MakePicture {
    private static final int WIDTH = 1600;
    private static final int HEIGHT = 1200;
    private static final long MIN_BIG_SIZE = 1L << 20;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java MakePicture.java <site directory>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);

        BufferedImage clean = picture(WIDTH, HEIGHT);
        Path bigFile = dir.resolve("big-picture.png");
        write(grained(clean), bigFile);
        long size = Files.size(bigFile);
        if (size <= MIN_BIG_SIZE) {
            throw new IllegalStateException(bigFile + " is only " + size + " bytes; it must be over 1 MiB");
        }
        write(shrink(clean, 4), dir.resolve("small-picture.png"));
        Files.write(dir.resolve("favicon.ico"), icon(16, 32));
        System.out.println("MakePicture: " + bigFile + " " + size + " bytes, small-picture.png, favicon.ico");
    }

    // ---- the big picture -----------------------------------------------------------------------

    private static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double scale = 3.2 / w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double zx = (x - w / 2.0) * scale;
                double zy = (y - h / 2.0) * scale;
                double[] bg = palette(0.55 + plasma(x, y) * 0.06, 0.32, 0.22, 1.0, 0.00, 0.12, 0.30);
                double mu = julia(zx, zy, -0.8, 0.156, 300);
                double[] rgb;
                if (mu < 0) {
                    rgb = new double[] {0.03, 0.04, 0.10}; // inside the set
                } else {
                    double t = Math.sqrt(mu / 300.0);
                    double[] fg = palette(t * 3.0, 0.55, 0.45, 1.0, 0.30, 0.20, 0.20);
                    double k = Math.min(1.0, t * 4.0); // near the set the fractal colour wins
                    rgb = mix(bg, fg, k);
                }
                img.setRGB(x, y, rgb(rgb));
            }
        }
        return img;
    }

    /** A sum of waves over the plane, about -4..4. */
    private static double plasma(int x, int y) {
        double cx = x - WIDTH * 0.7;
        double cy = y - HEIGHT * 0.3;
        return Math.sin(x * 0.011) + Math.sin(y * 0.017 + 1.3) + Math.sin((x + y) * 0.006)
                + Math.sin(Math.sqrt(cx * cx + cy * cy) * 0.021);
    }

    /** Smooth escape count of z -> z^2 + c, or -1 if the point does not escape. */
    private static double julia(double zx, double zy, double cx, double cy, int maxIter) {
        for (int i = 0; i < maxIter; i++) {
            double xx = zx * zx;
            double yy = zy * zy;
            if (xx + yy > 256.0) {
                return i + 1 - Math.log(Math.log(Math.sqrt(xx + yy))) / Math.log(2.0);
            }
            zy = 2 * zx * zy + cy;
            zx = xx - yy + cx;
        }
        return -1;
    }

    /** A cosine palette: a + b * cos(2 pi (c t + d)) per channel, with a = b = {@code ab}. */
    private static double[] palette(double t, double a, double b, double c, double dr, double dg, double db) {
        return new double[] {
            a + b * Math.cos(2 * Math.PI * (c * t + dr)),
            a + b * Math.cos(2 * Math.PI * (c * t + dg)),
            a + b * Math.cos(2 * Math.PI * (c * t + db)),
        };
    }

    private static double[] mix(double[] p, double[] q, double k) {
        return new double[] {p[0] + (q[0] - p[0]) * k, p[1] + (q[1] - p[1]) * k, p[2] + (q[2] - p[2]) * k};
    }

    private static int rgb(double[] c) {
        return channel(c[0]) << 16 | channel(c[1]) << 8 | channel(c[2]);
    }

    private static int channel(double v) {
        return (int) Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255.0);
    }

    /**
     * Adds a grain of one level, the same on all three channels, so it cannot be seen: noise does
     * not compress, so it makes the PNG about 2.3 MiB instead of 1.6 MiB, well clear of the 1 MiB
     * the tests need. It is drawn from a hash of the position, so it never changes.
     */
    private static BufferedImage grained(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int noise = hash(x, y) & 1;
                int q = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    q = q << 8 | Math.min(255, (p >> shift & 0xff) + noise);
                }
                out.setRGB(x, y, q);
            }
        }
        return out;
    }

    private static int hash(int x, int y) {
        int h = x * 0x27d4eb2d ^ y * 0x165667b1;
        h ^= h >>> 15;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ h >>> 16;
    }

    /** Averages each {@code f} x {@code f} block into one pixel. */
    private static BufferedImage shrink(BufferedImage src, int f) {
        int w = src.getWidth() / f;
        int h = src.getHeight() / f;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int dy = 0; dy < f; dy++) {
                    for (int dx = 0; dx < f; dx++) {
                        int p = src.getRGB(x * f + dx, y * f + dy);
                        r += p >> 16 & 0xff;
                        g += p >> 8 & 0xff;
                        b += p & 0xff;
                    }
                }
                int n = f * f;
                out.setRGB(x, y, (r + n / 2) / n << 16 | (g + n / 2) / n << 8 | (b + n / 2) / n);
            }
        }
        return out;
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer");
            }
        }
    }

    // ---- the icon ------------------------------------------------------------------------------

    /** A .ico holding one 32-bit BMP image per size: a blue rounded square with white waves. */
    private static byte[] icon(int... sizes) {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        ByteBuffer dir = ByteBuffer.allocate(6 + 16 * sizes.length).order(ByteOrder.LITTLE_ENDIAN);
        dir.putShort((short) 0).putShort((short) 1).putShort((short) sizes.length);
        int offset = dir.capacity();
        for (int s : sizes) {
            byte[] bmp = iconBitmap(s);
            dir.put((byte) s).put((byte) s).put((byte) 0).put((byte) 0)
                    .putShort((short) 1).putShort((short) 32).putInt(bmp.length).putInt(offset);
            images.writeBytes(bmp);
            offset += bmp.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(dir.array());
        out.writeBytes(images.toByteArray());
        return out.toByteArray();
    }

    private static byte[] iconBitmap(int s) {
        int maskRow = (s + 31) / 32 * 4;
        ByteBuffer b = ByteBuffer.allocate(40 + s * s * 4 + maskRow * s).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(40).putInt(s).putInt(s * 2).putShort((short) 1).putShort((short) 32)
                .putInt(0).putInt(s * s * 4 + maskRow * s).putInt(0).putInt(0).putInt(0).putInt(0);
        for (int y = s - 1; y >= 0; y--) { // BMP rows go bottom-up
            for (int x = 0; x < s; x++) {
                int argb = iconPixel(x, y, s);
                b.put((byte) argb).put((byte) (argb >> 8)).put((byte) (argb >> 16)).put((byte) (argb >>> 24));
            }
        }
        // The AND mask stays all zero: the alpha channel says what is transparent.
        return b.array();
    }

    /** One pixel of the icon, 4x4 supersampled. */
    private static int iconPixel(int px, int py, int s) {
        double a = 0;
        double white = 0;
        for (int sy = 0; sy < 4; sy++) {
            for (int sx = 0; sx < 4; sx++) {
                double x = (px + (sx + 0.5) / 4) / s; // 0..1
                double y = (py + (sy + 0.5) / 4) / s;
                if (inRoundedSquare(x, y, 0.22)) {
                    a += 1;
                    // Three arcs around the lower-left corner: a signal, a socket, a wave.
                    double r = Math.hypot(x - 0.24, y - 0.76);
                    boolean dot = r < 0.10;
                    boolean arc = x > 0.24 && y < 0.76
                            && (ring(r, 0.30) || ring(r, 0.50));
                    if (dot || arc) {
                        white += 1;
                    }
                }
            }
        }
        if (a == 0) {
            return 0;
        }
        double k = white / a;
        int r = (int) Math.round(11 + (255 - 11) * k);
        int g = (int) Math.round(107 + (255 - 107) * k);
        int bl = (int) Math.round(203 + (255 - 203) * k);
        int alpha = (int) Math.round(255 * a / 16);
        return alpha << 24 | r << 16 | g << 8 | bl;
    }

    private static boolean ring(double r, double radius) {
        return Math.abs(r - radius) < 0.065;
    }

    private static boolean inRoundedSquare(double x, double y, double radius) {
        double dx = Math.max(Math.abs(x - 0.5) - (0.5 - radius), 0);
        double dy = Math.max(Math.abs(y - 0.5) - (0.5 - radius), 0);
        return dx * dx + dy * dy <= radius * radius;
    }
}
