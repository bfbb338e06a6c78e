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
 * The benchmark's figures as PNGs drawn with Java2D (headless), so the benchmark needs
 * nothing the JDK lacks: runs side by side on one time axis, and a soak's samples per
 * restart.
 */
final class Plot {

	private static final int WIDTH = 1000;

	private static final int ROW = 120;

	private static final Color OK = new Color(40, 100, 200);

	private static final Color FAILED = new Color(220, 40, 40);

	private static final int LEFT = 70;

	private static final int TOP = 40;

	private Plot() {
	}

	/** A run to draw as one row: its name, and what happened in it. */
	record Row(String name, Recording run) {
	}

	/**
	 * One row per run, on one time axis and one scale: successful requests per second
	 * (blue), failed requests per second (red), each restart's trigger (dashed) and, on
	 * the right, the failures and the longest time without a successful answer. What a
	 * reader should see at once: which ways of restarting leave a hole in the service.
	 */
	static void comparison(List<Row> rows, Path file, String title) throws IOException {
		BufferedImage image = new BufferedImage(WIDTH, TOP + rows.size() * (ROW + 34) + 30, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = titled(image, title);
		double max = 1;
		int length = 1;
		for (Row row : rows) {
			for (double[] second : row.run().perSecond()) {
				max = Math.max(max, Math.max(second[0], second[2]));
			}
			length = Math.max(length, row.run().perSecond().size());
		}
		max = niceCeiling(max);
		int width = WIDTH - LEFT - 20;
		double perSecond = (double) width / length;
		int top = TOP;
		for (Row row : rows) {
			row(g, row, top + 22, width, perSecond, max);
			top += ROW + 34;
		}
		g.setColor(Color.GRAY);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		for (int second = 0; second <= length; second += 10) {
			g.drawString(second + " s", LEFT + (int) (second * perSecond) - 8, top - 12);
		}
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		g.setColor(OK);
		g.drawString("answered requests/s", LEFT, top + 10);
		g.setColor(FAILED);
		g.drawString("failed requests/s (refused, reset, 5xx)", LEFT + 160, top + 10);
		g.setColor(Color.DARK_GRAY);
		g.drawString("dashed: restart triggered", LEFT + 420, top + 10);
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void row(Graphics2D g, Row row, int panelTop, int width, double perSecond, double max) {
		List<double[]> seconds = row.run().perSecond();
		int height = ROW - 20;
		long failed = row.run().failures();
		long gap = row.run().longestGapMillis();
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		g.drawString(row.name(), LEFT, panelTop - 6);
		String verdict = String.format("%,d failed, longest without an answer: %s", failed,
				(gap >= 1000) ? String.format("%.1f s", gap / 1000.0) : gap + " ms");
		g.setColor((failed == 0) ? new Color(30, 130, 50) : FAILED);
		g.drawString(verdict, LEFT + width - g.getFontMetrics().stringWidth(verdict), panelTop - 6);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.setColor(Color.GRAY);
		g.drawRect(LEFT, panelTop, width, height);
		g.drawString(String.format("%.0f/s", max), 12, panelTop + 10);
		g.drawString("0", 50, panelTop + height);
		Stroke solid = g.getStroke();
		g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] { 4f, 4f }, 0f));
		g.setColor(Color.DARK_GRAY);
		for (long[] window : row.run().windows()) {
			int x = LEFT + (int) (TimeUnit.NANOSECONDS.toMillis(window[0]) / 1000.0 * perSecond);
			g.drawLine(x, panelTop, x, panelTop + height);
		}
		g.setStroke(solid);
		g.setColor(FAILED);
		for (int second = 0; second < seconds.size(); second++) {
			int bar = (int) (seconds.get(second)[2] / max * height);
			if (seconds.get(second)[2] > 0) {
				g.fillRect(LEFT + (int) (second * perSecond), panelTop + height - Math.max(2, bar),
						Math.max(2, (int) perSecond - 1), Math.max(2, bar));
			}
		}
		g.setColor(OK);
		g.setStroke(new BasicStroke(2f));
		for (int second = 1; second < seconds.size(); second++) {
			g.drawLine(LEFT + (int) ((second - 0.5) * perSecond),
					panelTop + height - (int) (seconds.get(second - 1)[0] / max * height),
					LEFT + (int) ((second + 0.5) * perSecond),
					panelTop + height - (int) (seconds.get(second)[0] / max * height));
		}
		g.setStroke(solid);
	}

	private static final Color[] SERIES = { new Color(40, 100, 200), new Color(200, 80, 40), new Color(40, 150, 60) };

	/**
	 * One panel per column of the samples (column 0 is the x value), a line per named
	 * series, the y axis from zero: flat lines are what a soak should show.
	 */
	static void series(java.util.Map<String, List<long[]>> series, Path file, String title, List<String> columns)
			throws IOException {
		int panelHeight = 200;
		BufferedImage image = new BufferedImage(WIDTH, TOP + columns.size() * (panelHeight + 20) + 30,
				BufferedImage.TYPE_INT_RGB);
		Graphics2D g = titled(image, title);
		long maxX = 1;
		for (List<long[]> samples : series.values()) {
			for (long[] sample : samples) {
				maxX = Math.max(maxX, sample[0]);
			}
		}
		int width = WIDTH - LEFT - 20;
		int height = panelHeight - 40;
		for (int column = 1; column <= columns.size(); column++) {
			int top = TOP + (column - 1) * (panelHeight + 20);
			double max = 1;
			for (List<long[]> samples : series.values()) {
				for (long[] sample : samples) {
					max = Math.max(max, sample[column]);
				}
			}
			max = niceCeiling(max * 1.1);
			g.setStroke(new BasicStroke(1f));
			g.setColor(Color.GRAY);
			g.drawRect(LEFT, top, width, height);
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
			for (int tick = 0; tick <= 4; tick++) {
				g.drawString(String.format("%.0f", max * tick / 4), 8, top + height - tick * height / 4 + 4);
			}
			long step = Math.max(1, (long) niceCeiling(maxX / 10.0));
			for (long x = 0; x <= maxX; x += step) {
				g.drawString(String.valueOf(x), LEFT + (int) (x * width / maxX) - 4, top + height + 16);
			}
			g.drawString("restart", LEFT + width / 2 - 20, top + height + 30);
			g.setColor(Color.BLACK);
			g.drawString(columns.get(column - 1), LEFT + 6, top + 16);
			int legend = 0;
			for (var entry : series.entrySet()) {
				Color color = SERIES[legend % SERIES.length];
				g.setColor(color);
				g.drawString(entry.getKey(), LEFT + width - 200 + legend * 65, top + 16);
				legend++;
				g.setStroke(new BasicStroke(2f));
				List<long[]> samples = entry.getValue();
				for (int i = 1; i < samples.size(); i++) {
					g.drawLine(LEFT + (int) (samples.get(i - 1)[0] * width / maxX),
							top + height - (int) (samples.get(i - 1)[column] / max * height),
							LEFT + (int) (samples.get(i)[0] * width / maxX),
							top + height - (int) (samples.get(i)[column] / max * height));
				}
			}
		}
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	/**
	 * A white image with its title, drawn headless (no display on a benchmark machine).
	 */
	private static Graphics2D titled(BufferedImage image, String title) {
		System.setProperty("java.awt.headless", "true");
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
		g.drawString(title, LEFT, 24);
		return g;
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
