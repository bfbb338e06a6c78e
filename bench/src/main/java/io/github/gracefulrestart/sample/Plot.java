package io.github.gracefulrestart.sample;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

/**
 * Throughput and p99 latency per second over a run, with the restart windows shaded: a PNG drawn
 * with Java2D (headless), so the benchmark needs nothing the JDK lacks.
 */
final class Plot {

	private static final int WIDTH = 1000;

	private static final int PANEL = 260;

	private static final int LEFT = 70;

	private static final int TOP = 40;

	private Plot() {
	}

	static void write(Recording run, Path file, String title) throws IOException {
		System.setProperty("java.awt.headless", "true");
		List<double[]> seconds = run.perSecond();
		BufferedImage image = new BufferedImage(WIDTH, TOP + 2 * PANEL + 60, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
		g.drawString(title + " (dashed: restart triggered; shaded: until the old generation is gone + 1 s)", LEFT, 24);
		panel(g, run, seconds, 0, TOP, "requests/s (ok)", new Color(40, 100, 200));
		panel(g, run, seconds, 1, TOP + PANEL + 20, "p99 latency, ms", new Color(200, 80, 40));
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void panel(Graphics2D g, Recording run, List<double[]> seconds, int column, int top, String label,
			Color color) {
		int width = WIDTH - LEFT - 20;
		int height = PANEL - 40;
		double max = 1;
		for (double[] second : seconds) {
			max = Math.max(max, second[column]);
		}
		max = niceCeiling(max);
		double perSecond = (double) width / Math.max(1, seconds.size());
		g.setColor(new Color(235, 235, 235));
		for (long[] window : run.windows()) {
			int from = LEFT + (int) (TimeUnit.NANOSECONDS.toMillis(window[0]) / 1000.0 * perSecond);
			int to = LEFT + (int) (TimeUnit.NANOSECONDS.toMillis(window[1]) / 1000.0 * perSecond);
			g.fillRect(from, top, Math.max(2, to - from), height);
		}
		g.setColor(Color.GRAY);
		g.drawRect(LEFT, top, width, height);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		for (int tick = 0; tick <= 4; tick++) {
			int y = top + height - tick * height / 4;
			g.drawString(String.format("%.0f", max * tick / 4), 8, y + 4);
		}
		for (int second = 0; second < seconds.size(); second += 10) {
			g.drawString(second + " s", LEFT + (int) (second * perSecond) - 8, top + height + 16);
		}
		// Under load a restart takes longer than the gap between two, so windows run together:
		// each trigger gets its own line.
		g.setColor(Color.DARK_GRAY);
		Stroke solid = g.getStroke();
		g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] { 4f, 4f }, 0f));
		int restart = 0;
		for (long[] window : run.windows()) {
			int x = LEFT + (int) (TimeUnit.NANOSECONDS.toMillis(window[0]) / 1000.0 * perSecond);
			g.drawLine(x, top, x, top + height);
			g.drawString("restart " + ++restart, x + 4, top + 32);
		}
		g.setStroke(solid);
		g.setColor(Color.BLACK);
		g.drawString(label, LEFT + 6, top + 16);
		g.setColor(color);
		g.setStroke(new BasicStroke(2f));
		for (int second = 1; second < seconds.size(); second++) {
			int x1 = LEFT + (int) ((second - 0.5) * perSecond);
			int x2 = LEFT + (int) ((second + 0.5) * perSecond);
			int y1 = top + height - (int) (seconds.get(second - 1)[column] / max * height);
			int y2 = top + height - (int) (seconds.get(second)[column] / max * height);
			g.drawLine(x1, y1, x2, y2);
		}
	}

	private static double niceCeiling(double value) {
		double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : new double[] { 1, 2, 5, 10 }) {
			if (step * magnitude >= value) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

}
