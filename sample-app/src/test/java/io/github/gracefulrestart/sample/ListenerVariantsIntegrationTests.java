package io.github.gracefulrestart.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listeners beyond plain HTTP on all interfaces, on both servers: TLS (a renewed
 * certificate on disk takes effect with the restart) and an IPv6 address.
 */
class ListenerVariantsIntegrationTests {

	@TempDir
	Path workDir;

	@ParameterizedTest
	@EnumSource(value = SampleApp.Server.class, names = { "TOMCAT", "JETTY", "NETTY" })
	void httpsUnderLoadAcrossRestartsWithARenewedCertificate(SampleApp.Server server) throws Exception {
		Path keystore = this.workDir.resolve("keystore.p12");
		keystore(keystore, "CN=first");
		SSLSocketFactory tls = RawHttp.trustingTls();
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of(), "--server.ssl.enabled=true",
				"--server.ssl.key-store=" + keystore, "--server.ssl.key-store-password=secret",
				"--server.ssl.key-store-type=PKCS12",
				// The management server would inherit server.ssl; it stays plain HTTP on
				// loopback.
				"--management.server.ssl.enabled=false")) {
			app.clientsOf("127.0.0.1", tls);
			try (RawHttp client = app.client()) {
				assertThat(client.peerSubject()).isEqualTo("CN=first");
			}
			long pid = app.servingPid();
			try (HttpLoad load = HttpLoad.start(app::client, "/hello", 8, 10, Duration.ofMinutes(5))) {
				SampleApp.signal(pid, "HUP");
				pid = app.awaitTakeover(pid);
				Path renewed = this.workDir.resolve("renewed.p12");
				keystore(renewed, "CN=renewed");
				Files.move(renewed, keystore, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				SampleApp.signal(pid, "HUP");
				pid = app.awaitTakeover(pid);
				load.stop();
				assertThat(load.failures()).as("%s", load).isZero();
				assertThat(load.ok()).isPositive();
			}
			try (RawHttp client = app.client()) {
				assertThat(client.peerSubject()).isEqualTo("CN=renewed");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = SampleApp.Server.class, names = { "TOMCAT", "JETTY", "NETTY" })
	void ipv6LoopbackListenerIsHandedOver(SampleApp.Server server) throws Exception {
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of(), "--server.address=::1")) {
			app.clientsOf("::1", null);
			long pid = app.servingPid();
			try (HttpLoad load = HttpLoad.start(app::client, "/hello", 4, 10, Duration.ofMinutes(5))) {
				SampleApp.signal(pid, "HUP");
				long next = app.awaitTakeover(pid);
				load.stop();
				assertThat(load.failures()).as("%s", load).isZero();
				assertThat(app.status()).contains("\"address\":\"[0:0:0:0:0:0:0:1]:" + app.port() + "\"",
						"\"inherited\":true");
				assertThat(app.servingPid()).isEqualTo(next);
			}
		}
	}

	private static void keystore(Path path, String subject) throws Exception {
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "app", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname",
				subject, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", path.toString(), "-storetype", "PKCS12",
				"-storepass", "secret", "-keypass", "secret")
			.redirectErrorStream(true)
			.start();
		String output = new String(keytool.getInputStream().readAllBytes());
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(output).isZero();
	}

}
