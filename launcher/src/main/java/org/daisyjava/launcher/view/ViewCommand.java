package org.daisyjava.launcher.view;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.ZarrArray;

/**
 * {@code daisy-launch view ARRAY}: a PNG of one 2-D slice of a Zarr array, to look at what a
 * run produced. The slice is taken across {@code --axis} (z, y, x = the last three axes, or a
 * number) at voxel {@code --index} (default: the middle of the ROI), over {@code --roi} (world
 * units, default the whole array); the other axes before the last two are taken at their first
 * voxel. Intensities are scaled linearly from {@code --min}/{@code --max} (default: the slice's
 * own range) to grey; label arrays (32- and 64-bit integer types, or {@code --labels}) get one
 * random colour per label, 0 black.
 */
public final class ViewCommand {
  /** Images larger than this many pixels are refused: ask for a smaller --roi. */
  private static final long MAX_PIXELS = 1L << 26;
  private static final String USAGE =
      "daisy-launch view ARRAY [--axis z|y|x|N] [--index N] [--roi OFFSET:SHAPE] [--min V] [--max V]"
          + " [--labels] [-o slice.png]";

  private ViewCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options options = new Options();
    options.addOption(Option.builder().longOpt("axis").hasArg().argName("z|y|x|N")
        .desc("the axis the slice is across (default z: the third-last axis)").build());
    options.addOption(Option.builder().longOpt("index").hasArg().argName("N")
        .desc("voxel index along that axis, from the array's first voxel (default: middle of the ROI)").build());
    options.addOption(Option.builder().longOpt("roi").hasArg().argName("OFFSET:SHAPE")
        .desc("world-unit region, e.g. 0,0,0:64,256,256 (default: the whole array)").build());
    options.addOption(Option.builder().longOpt("min").hasArg().argName("V").desc("value shown black").build());
    options.addOption(Option.builder().longOpt("max").hasArg().argName("V").desc("value shown white").build());
    options.addOption(Option.builder().longOpt("labels").desc("one random colour per value").build());
    options.addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE")
        .desc("PNG to write (default: <array>-<axis><index>.png)").build());
    options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
    CommandLine cl;
    try {
      cl = new DefaultParser().parse(options, args);
    } catch (ParseException e) {
      return usage(e.getMessage(), err);
    }
    if (cl.hasOption("help")) {
      new HelpFormatter().printHelp(new PrintWriter(out, true), 110, USAGE,
          "Write a PNG of a 2-D slice of a Zarr array.", options, 2, 2, "");
      return ExitCode.OK;
    }
    if (cl.getArgList().size() != 1) {
      return usage("expected exactly one ARRAY, got " + cl.getArgList(), err);
    }
    try {
      ZarrArray array = ZarrArray.open(Path.of(cl.getArgList().get(0)));
      int dims = array.shape().length;
      if (dims < 2) {
        return usage(array + " has " + dims + " axis; a slice needs at least 2", err);
      }
      Roi roi = cl.hasOption("roi") ? parseRoi(cl.getOptionValue("roi"), dims) : array.roi();
      if (!array.roi().contains(roi)) {
        return usage("--roi " + roi + " is not inside the array's " + array.roi(), err);
      }
      int axis = dims == 2 ? -1 : parseAxis(cl.getOptionValue("axis", "z"), dims);
      Coordinate voxel = array.voxelSize();
      long[] offset = roi.begin().toArray();
      long[] shape = roi.shape().toArray();
      long index = -1;
      if (axis >= 0) {
        long first = (roi.begin(axis) - array.offset().get(axis)) / voxel.get(axis);
        long count = roi.shape(axis) / voxel.get(axis);
        index = cl.hasOption("index") ? Long.parseLong(cl.getOptionValue("index")) : first + count / 2;
        if (index < first || index >= first + count) {
          return usage("--index " + index + " is outside [" + first + ", " + (first + count) + ") on axis "
              + axis, err);
        }
        offset[axis] = array.offset().get(axis) + index * voxel.get(axis);
        shape[axis] = voxel.get(axis);
      }
      int[] imageAxes = imageAxes(dims, axis);
      long rows = shape[imageAxes[0]] / voxel.get(imageAxes[0]);
      long cols = shape[imageAxes[1]] / voxel.get(imageAxes[1]);
      for (int d = 0; d < dims; d++) {
        if (d != imageAxes[0] && d != imageAxes[1]) {
          shape[d] = voxel.get(d); // the slice's axis at --index, leading axes at their first voxel
        }
      }
      if (rows * cols > MAX_PIXELS) {
        return usage("a slice of " + rows + " x " + cols + " pixels is too large; give a smaller --roi", err);
      }
      ArrayBlock slice = array.read(Roi.of(offset, shape));
      boolean labels = cl.hasOption("labels") || isLabelType(array.dataType());
      double lo;
      double hi;
      if (labels) {
        lo = 0;
        hi = 0;
      } else {
        lo = Double.POSITIVE_INFINITY;
        hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < slice.size(); i++) {
          double v = slice.getDouble(i);
          if (!Double.isNaN(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
        lo = cl.hasOption("min") ? Double.parseDouble(cl.getOptionValue("min")) : lo;
        hi = cl.hasOption("max") ? Double.parseDouble(cl.getOptionValue("max")) : hi;
      }
      BufferedImage image = labels ? labelImage(slice, (int) rows, (int) cols)
          : greyImage(slice, (int) rows, (int) cols, lo, hi);
      String name = array.path().toAbsolutePath().normalize().getFileName().toString();
      Path target = Path.of(cl.getOptionValue("output",
          name + (axis >= 0 ? "-" + axisName(axis, dims) + index : "") + ".png"));
      if (target.toAbsolutePath().getParent() != null) {
        Files.createDirectories(target.toAbsolutePath().getParent());
      }
      if (!ImageIO.write(image, "png", target.toFile())) {
        err.println("daisy-launch view: this JDK cannot write PNG");
        return ExitCode.BLOCKS_FAILED;
      }
      out.println("wrote " + target + ": " + cols + " x " + rows + " pixels of " + array
          + (axis >= 0 ? ", axis " + axisName(axis, dims) + " index " + index : "")
          + (labels ? ", labels in random colours" : String.format(Locale.ROOT, ", %g (black) to %g (white)", lo, hi)));
      return ExitCode.OK;
    } catch (NumberFormatException e) {
      return usage("not a number: " + e.getMessage(), err);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage(), err);
    } catch (IOException e) {
      err.println("daisy-launch view: " + e.getMessage());
      return ExitCode.USAGE;
    }
  }

  /** The two axes that become rows and columns: the last two axes other than the slice's. */
  private static int[] imageAxes(int dims, int axis) {
    int[] out = new int[2];
    int k = 1;
    for (int d = dims - 1; d >= 0 && k >= 0; d--) {
      if (d != axis) {
        out[k--] = d;
      }
    }
    return out;
  }

  private static boolean isLabelType(DataType t) {
    return !t.isFloating() && t.size() >= 4;
  }

  private static BufferedImage greyImage(ArrayBlock slice, int rows, int cols, double lo, double hi) {
    BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
    double scale = hi > lo ? 255.0 / (hi - lo) : 0;
    for (int i = 0; i < pixels.length; i++) {
      double v = slice.getDouble(i);
      double g = Double.isNaN(v) ? 0 : (v - lo) * scale;
      pixels[i] = (byte) Math.max(0, Math.min(255, Math.round(g)));
    }
    return img;
  }

  private static BufferedImage labelImage(ArrayBlock slice, int rows, int cols) {
    BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < rows * cols; i++) {
      long label = slice.getLong(i);
      img.setRGB(i % cols, i / cols, label == 0 ? 0 : colour(label));
    }
    return img;
  }

  /** A bright colour from a hash of the label: neighbours with close ids look different. */
  private static int colour(long label) {
    long h = label * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    int r = 64 + (int) (h & 0xbf);
    int g = 64 + (int) ((h >>> 8) & 0xbf);
    int b = 64 + (int) ((h >>> 16) & 0xbf);
    return r << 16 | g << 8 | b;
  }

  private static int parseAxis(String s, int dims) {
    int axis = switch (s) {
      case "z" -> dims - 3;
      case "y" -> dims - 2;
      case "x" -> dims - 1;
      default -> {
        try {
          yield Integer.parseInt(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--axis must be z, y, x or an axis number, got '" + s + "'");
        }
      }
    };
    if (axis < 0 || axis >= dims) {
      throw new IllegalArgumentException("--axis " + s + " does not exist in a " + dims + "-D array");
    }
    return axis;
  }

  private static String axisName(int axis, int dims) {
    int fromEnd = dims - 1 - axis;
    return fromEnd < 3 ? String.valueOf("xyz".charAt(fromEnd)) : String.valueOf(axis);
  }

  private static Roi parseRoi(String s, int dims) {
    String[] parts = s.split(":");
    if (parts.length != 2) {
      throw new IllegalArgumentException("--roi must be OFFSET:SHAPE, e.g. 0,0,0:64,64,64, got '" + s + "'");
    }
    long[] offset = csv(parts[0]);
    long[] shape = csv(parts[1]);
    if (offset.length != dims || shape.length != dims) {
      throw new IllegalArgumentException("--roi needs " + dims + " values for offset and shape, got '" + s + "'");
    }
    return Roi.of(offset, shape);
  }

  private static long[] csv(String s) {
    String[] parts = s.split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Long.parseLong(parts[i].trim());
    }
    return out;
  }

  private static int usage(String problem, PrintStream err) {
    err.println("daisy-launch view: " + problem);
    err.println("usage: " + USAGE);
    return ExitCode.USAGE;
  }
}
