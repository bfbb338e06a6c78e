package io.github.gracefulrestart.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A minimal HTTP/1.1 client over one socket, so that the tests see every connect, read
 * and write error as it happens (a pooling client would retry some of them away). It
 * keeps the connection alive until a response says {@code Connection: close}.
 */
final class RawHttp implements AutoCloseable {

	static final int TIMEOUT_MS = 60_000;

	private final String host;

	private final int port;

	private final SSLSocketFactory tls;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	RawHttp(int port) {
		this("127.0.0.1", port, null);
	}

	/**
	 * A client of {@code host}:{@code port}, over TLS when {@code tls} is not null.
	 */
	RawHttp(String host, int port, SSLSocketFactory tls) {
		this.host = host;
		this.port = port;
		this.tls = tls;
	}

	/** A TLS client that trusts any certificate: the tests make their own. */
	static SSLSocketFactory trustingTls() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { new X509TrustManager() {
				@Override
				public void checkClientTrusted(X509Certificate[] chain, String authType) {
				}

				@Override
				public void checkServerTrusted(X509Certificate[] chain, String authType) {
				}

				@Override
				public X509Certificate[] getAcceptedIssuers() {
					return new X509Certificate[0];
				}
			} }, null);
			return context.getSocketFactory();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The subject of the server's certificate on this connection. */
	String peerSubject() throws IOException {
		open();
		return ((X509Certificate) ((SSLSocket) this.socket).getSession().getPeerCertificates()[0])
			.getSubjectX500Principal()
			.getName();
	}

	Response get(String path) throws IOException {
		return exchange("GET", path, null);
	}

	Response exchange(String method, String path, byte[] body) throws IOException {
		return exchange(method, path, "application/octet-stream", body);
	}

	Response exchange(String method, String path, String contentType, byte[] body) throws IOException {
		OutputStream output = open();
		StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
		if (body != null && body.length > 0) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		if (body != null) {
			head.append("Content-Length: ").append(body.length).append("\r\n");
		}
		output.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
		if (body != null) {
			output.write(body);
		}
		output.flush();
		return readResponse();
	}

	/**
	 * Opens the connection if needed and returns its output, for a caller that streams a
	 * body.
	 */
	OutputStream open() throws IOException {
		if (this.socket == null) {
			Socket socket = new Socket();
			socket.setSoTimeout(TIMEOUT_MS);
			socket.connect(new InetSocketAddress(this.host, this.port), TIMEOUT_MS);
			if (this.tls != null) {
				SSLSocket tlsSocket = (SSLSocket) this.tls.createSocket(socket, this.host, this.port, true);
				tlsSocket.startHandshake();
				socket = tlsSocket;
			}
			this.socket = socket;
			this.in = socket.getInputStream();
			this.out = socket.getOutputStream();
		}
		return this.out;
	}

	Response readResponse() throws IOException {
		String statusLine = readLine();
		if (statusLine == null) {
			close();
			throw new IOException("connection closed before a response");
		}
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		String line;
		while ((line = readLine()) != null && !line.isEmpty()) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
		}
		if (line == null) {
			close();
			throw new IOException("connection closed in the response head");
		}
		boolean closes = "close".equalsIgnoreCase(headers.getOrDefault("Connection", ""));
		byte[] body = readBody(status, headers, closes);
		if (closes) {
			close();
		}
		return new Response(status, headers, new String(body, StandardCharsets.UTF_8), closes);
	}

	private byte[] readBody(int status, Map<String, String> headers, boolean closes) throws IOException {
		if (headers.containsKey("Content-Length")) {
			return readExactly(Integer.parseInt(headers.get("Content-Length")));
		}
		if ("chunked".equals(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int size;
			while ((size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) > 0) {
				body.write(readExactly(size));
				readLine();
			}
			readLine();
			return body.toByteArray();
		}
		if (closes && status != 204 && status != 304 && status / 100 != 1) {
			// Neither a length nor chunks: the body ends where the server closes the
			// connection (RFC 9112, 6.3), as Tomcat sends a response that says
			// Connection: close.
			return this.in.readAllBytes();
		}
		return new byte[0];
	}

	private byte[] readExactly(int length) throws IOException {
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length < length) {
			close();
			throw new IOException("connection closed after " + bytes.length + " of " + length + " body bytes");
		}
		return bytes;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != -1) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.US_ASCII);
			}
			line.write(b);
		}
		return null;
	}

	@Override
	public void close() {
		if (this.socket != null) {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
			this.socket = null;
		}
	}

	record Response(int status, Map<String, String> headers, String body, boolean closes) {

	}

}
