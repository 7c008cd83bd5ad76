import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/**
 * Makes the demo site's {@code book.zip} at build time: the book's page and stylesheet from
 * {@code src/main/book/}, and two pictures drawn here, so no binary lives in the repository:
 * {@code images/cover.jpg} (the gateway on its shelf at night, 640x400) and
 * {@code images/network.png} (a diagram of the library's network, 640x400).
 *
 * <p>Entries are in name order, with folders ({@code css/}, {@code images/}). Text and the PNG
 * are DEFLATE at level 9 (what a browser that takes gzip gets as it is); the JPEG is STORED, as
 * {@code zip -n .jpg} would, since it does not compress. Each entry carries its source's time (the
 * pictures the newest time of the book's sources) in an extended timestamp, so Last-Modified does
 * not depend on the server's time zone.
 *
 * <p>Run with Java 11 or later: {@code java src/build/MakeBook.java <book folder> <zip file>}.
 */
public final class MakeBook {
    private static final int W = 640;
    private static final int H = 400;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java MakeBook.java <book folder> <zip file>");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Path src = Path.of(args[0]);
        Path zip = Path.of(args[1]);

        Map<String, byte[]> files = new TreeMap<>();
        Map<String, FileTime> times = new TreeMap<>();
        FileTime newest = FileTime.fromMillis(0);
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> s = Files.walk(src)) {
            s.filter(Files::isRegularFile).forEach(sources::add);
        }
        for (Path p : sources) {
            String name = src.relativize(p).toString().replace(java.io.File.separatorChar, '/');
            files.put(name, Files.readAllBytes(p));
            FileTime t = Files.getLastModifiedTime(p);
            times.put(name, t);
            if (t.compareTo(newest) > 0) {
                newest = t;
            }
        }
        files.put("images/cover.jpg", encode(cover(), "jpg"));
        files.put("images/network.png", encode(network(), "png"));
        times.put("images/cover.jpg", newest);
        times.put("images/network.png", newest);

        Files.createDirectories(zip.toAbsolutePath().getParent());
        Path tmp = zip.resolveSibling(zip.getFileName() + ".part");
        long raw = 0;
        try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(Deflater.BEST_COMPRESSION);
            String folder = "";
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String name = f.getKey();
                String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                if (!parent.isEmpty() && !parent.equals(folder)) {
                    ZipEntry d = new ZipEntry(parent);
                    d.setLastModifiedTime(newest);
                    z.putNextEntry(d);
                    z.closeEntry();
                    folder = parent;
                }
                byte[] data = f.getValue();
                ZipEntry e = new ZipEntry(name);
                e.setLastModifiedTime(times.get(name));
                if (name.endsWith(".jpg")) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    e.setCompressedSize(data.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
                raw += data.length;
            }
        }
        Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("MakeBook: " + zip + " " + Files.size(zip) + " bytes, " + files.size() + " files, "
                + raw + " bytes uncompressed");
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no " + format + " writer");
        }
        return out.toByteArray();
    }

    // ---- the cover: the gateway on a shelf at night ----------------------------------------------

    private static BufferedImage cover() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = smooth(img);
        // the wall at night, a little lighter where the desk lamp reaches
        g.setPaint(new GradientPaint(0, 0, new Color(14, 22, 40), 0, H, new Color(32, 38, 58)));
        g.fillRect(0, 0, W, H);
        g.setPaint(new RadialGradientPaint(520, 60, 320, new float[] {0f, 1f},
                new Color[] {new Color(120, 100, 70, 90), new Color(0, 0, 0, 0)}));
        g.fillRect(0, 0, W, H);
        // a window with the lighthouse beam far away
        g.setColor(new Color(8, 14, 30));
        g.fill(new RoundRectangle2D.Double(40, 40, 170, 150, 10, 10));
        g.setColor(new Color(70, 64, 56));
        g.setStroke(new BasicStroke(6));
        g.draw(new RoundRectangle2D.Double(40, 40, 170, 150, 10, 10));
        g.draw(new Line2D.Double(125, 40, 125, 190));
        g.setPaint(new GradientPaint(150, 120, new Color(255, 236, 170, 150), 60, 80, new Color(255, 236, 170, 0)));
        Path2D beam = new Path2D.Double();
        beam.moveTo(170, 132);
        beam.lineTo(46, 86);
        beam.lineTo(46, 122);
        beam.closePath();
        g.fill(beam);
        g.setColor(new Color(255, 240, 190));
        g.fill(new Ellipse2D.Double(166, 128, 8, 8));
        for (int i = 0; i < 18; i++) { // stars, from a fixed sequence
            int x = 50 + (i * 97) % 150;
            int y = 48 + (i * 53) % 70;
            g.setColor(new Color(200, 210, 255, 90 + (i * 37) % 120));
            g.fill(new Ellipse2D.Double(x, y, 2, 2));
        }
        // the shelf
        g.setPaint(new GradientPaint(0, 300, new Color(110, 72, 40), 0, 340, new Color(70, 44, 24)));
        g.fillRect(0, 300, W, 40);
        g.setColor(new Color(50, 30, 16));
        g.fillRect(0, 340, W, H - 340);
        // the box's shadow, body and front
        g.setColor(new Color(0, 0, 0, 90));
        g.fill(new RoundRectangle2D.Double(262, 288, 270, 24, 20, 20));
        g.setPaint(new GradientPaint(0, 200, new Color(150, 156, 164), 0, 300, new Color(96, 102, 112)));
        g.fill(new RoundRectangle2D.Double(250, 200, 280, 100, 28, 28));
        g.setColor(new Color(60, 64, 72));
        g.setStroke(new BasicStroke(2));
        g.draw(new RoundRectangle2D.Double(250, 200, 280, 100, 28, 28));
        // two stubby antennas
        g.setColor(new Color(40, 42, 48));
        g.setStroke(new BasicStroke(9, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(285, 205, 262, 120));
        g.draw(new Line2D.Double(495, 205, 520, 118));
        // six lights: four green, two amber, each with a glow on the wall
        Color green = new Color(80, 230, 120);
        Color amber = new Color(255, 176, 40);
        for (int i = 0; i < 6; i++) {
            Color c = i == 2 || i == 5 ? amber : green;
            double cx = 300 + i * 36;
            double cy = 262;
            g.setPaint(new RadialGradientPaint((float) cx, (float) cy, 26, new float[] {0f, 1f},
                    new Color[] {new Color(c.getRed(), c.getGreen(), c.getBlue(), 110), new Color(c.getRed(), c.getGreen(), c.getBlue(), 0)}));
            g.fill(new Ellipse2D.Double(cx - 26, cy - 26, 52, 52));
            g.setColor(c);
            g.fill(new Ellipse2D.Double(cx - 5, cy - 5, 10, 10));
        }
        // a pot of pens and the corner of the returns trolley, in silhouette
        g.setColor(new Color(36, 40, 54));
        g.fill(new RoundRectangle2D.Double(570, 240, 44, 60, 8, 8));
        g.setStroke(new BasicStroke(4, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(580, 240, 574, 206));
        g.draw(new Line2D.Double(592, 240, 596, 200));
        g.draw(new Line2D.Double(604, 240, 614, 212));
        g.fill(new RoundRectangle2D.Double(60, 220, 130, 80, 6, 6));
        g.dispose();
        return grain(img);
    }

    /** A fixed, fine grain, so the cover looks like a photograph (and is one for a JPEG encoder). */
    private static BufferedImage grain(BufferedImage img) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int n = (hash(x, y) & 7) - 3;
                int r = clamp((p >> 16 & 0xff) + n);
                int gr = clamp((p >> 8 & 0xff) + n);
                int b = clamp((p & 0xff) + n);
                img.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return img;
    }

    // ---- the diagram: everything talks through the gateway -----------------------------------------

    private static BufferedImage network() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = smooth(img);
        g.setColor(new Color(251, 248, 241));
        g.fillRect(0, 0, W, H);
        Color ink = new Color(29, 35, 42);
        Color blue = new Color(11, 107, 203);
        double hx = W / 2.0;
        double hy = 215;
        // the world: a cloud joined by one thick line
        g.setColor(blue);
        g.setStroke(new BasicStroke(8, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(hx, hy, hx, 80));
        g.setColor(new Color(220, 232, 246));
        for (double[] c : new double[][] {{hx - 60, 40, 70}, {hx - 15, 22, 80}, {hx + 35, 38, 66}, {hx - 35, 50, 70}, {hx + 5, 52, 70}}) {
            g.fill(new Ellipse2D.Double(c[0] - c[2] / 2 + 10, c[1], c[2], c[2] * 0.7));
        }
        // the devices on a ring: laptops, phones, a printer
        int n = 9;
        g.setStroke(new BasicStroke(2.5f));
        for (int i = 0; i < n; i++) {
            double a = Math.PI * (0.12 + 0.76 * i / (n - 1));
            double x = hx - Math.cos(a) * 250;
            double y = hy + Math.sin(a) * 150;
            g.setColor(new Color(140, 150, 160));
            g.draw(new Line2D.Double(hx, hy, x, y));
            if (i == 4) {
                printer(g, x, y, ink);
            } else if (i % 2 == 0) {
                laptop(g, x, y, ink, blue);
            } else {
                phone(g, x, y, ink, blue);
            }
        }
        // the gateway in the middle, on top of the lines
        g.setColor(new Color(120, 126, 136));
        g.fill(new RoundRectangle2D.Double(hx - 60, hy - 26, 120, 52, 16, 16));
        g.setColor(ink);
        g.setStroke(new BasicStroke(2.5f));
        g.draw(new RoundRectangle2D.Double(hx - 60, hy - 26, 120, 52, 16, 16));
        for (int i = 0; i < 6; i++) {
            g.setColor(i == 2 || i == 5 ? new Color(255, 176, 40) : new Color(47, 158, 68));
            g.fill(new Ellipse2D.Double(hx - 42 + i * 15, hy + 4, 8, 8));
        }
        g.dispose();
        return img;
    }

    private static void laptop(Graphics2D g, double x, double y, Color ink, Color screen) {
        g.setColor(Color.WHITE);
        g.fill(new RoundRectangle2D.Double(x - 26, y - 30, 52, 34, 4, 4));
        g.setColor(screen);
        g.fill(new RoundRectangle2D.Double(x - 21, y - 25, 42, 24, 2, 2));
        g.setColor(ink);
        g.draw(new RoundRectangle2D.Double(x - 26, y - 30, 52, 34, 4, 4));
        Path2D base = new Path2D.Double();
        base.moveTo(x - 30, y + 4);
        base.lineTo(x + 30, y + 4);
        base.lineTo(x + 36, y + 12);
        base.lineTo(x - 36, y + 12);
        base.closePath();
        g.setColor(new Color(200, 204, 210));
        g.fill(base);
        g.setColor(ink);
        g.draw(base);
    }

    private static void phone(Graphics2D g, double x, double y, Color ink, Color screen) {
        g.setColor(Color.WHITE);
        g.fill(new RoundRectangle2D.Double(x - 13, y - 24, 26, 46, 8, 8));
        g.setColor(screen);
        g.fill(new RoundRectangle2D.Double(x - 9, y - 18, 18, 32, 3, 3));
        g.setColor(ink);
        g.draw(new RoundRectangle2D.Double(x - 13, y - 24, 26, 46, 8, 8));
    }

    private static void printer(Graphics2D g, double x, double y, Color ink) {
        g.setColor(Color.WHITE);
        g.fill(new RoundRectangle2D.Double(x - 18, y - 34, 36, 22, 2, 2)); // the test page
        g.setColor(new Color(160, 166, 174));
        g.fill(new RoundRectangle2D.Double(x - 16, y - 26, 14, 10, 2, 2));
        g.setColor(new Color(200, 204, 210));
        g.fill(new RoundRectangle2D.Double(x - 32, y - 14, 64, 32, 6, 6));
        g.setColor(ink);
        g.draw(new RoundRectangle2D.Double(x - 32, y - 14, 64, 32, 6, 6));
        g.draw(new RoundRectangle2D.Double(x - 18, y - 34, 36, 22, 2, 2));
    }

    private static Graphics2D smooth(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        return g;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    private static int hash(int x, int y) {
        int h = x * 0x27d4eb2d ^ y * 0x165667b1;
        h ^= h >>> 15;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h ^ h >>> 16;
    }
}
