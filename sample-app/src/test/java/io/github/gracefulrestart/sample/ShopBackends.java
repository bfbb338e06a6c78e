package io.github.gracefulrestart.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.h2.tools.Server;

/**
 * The servers the shop (sample-app/shop) talks to, run in this JVM as in Spring's own
 * tests but reached over loopback TCP like production servers, so that they outlive every
 * generation: an H2 database server and an ActiveMQ Artemis broker, both on ports the OS
 * gives.
 */
final class ShopBackends implements AutoCloseable {

	private final Server database;

	private final EmbeddedActiveMQ broker;

	private final int brokerPort;

	private ShopBackends(Server database, EmbeddedActiveMQ broker, int brokerPort) {
		this.database = database;
		this.broker = broker;
		this.brokerPort = brokerPort;
	}

	static ShopBackends start(Path dir) throws Exception {
		// Only this machine may connect (H2 refuses other hosts unless -tcpAllowOthers),
		// and only to a database of this name, which the first connection creates.
		Server database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		int brokerPort = SampleApp.freeLoopbackPort();
		ConfigurationImpl configuration = new ConfigurationImpl();
		configuration.setPersistenceEnabled(false);
		configuration.setSecurityEnabled(false);
		configuration.setBrokerInstance(dir.resolve("broker").toFile());
		configuration.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort);
		EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
		broker.setConfiguration(configuration);
		try {
			broker.start();
		}
		catch (Exception ex) {
			database.stop();
			throw ex;
		}
		return new ShopBackends(database, broker, brokerPort);
	}

	/** The shop's arguments that point it at these servers. */
	List<String> arguments() {
		return List.of("--spring.datasource.url=" + jdbcUrl(),
				"--spring.artemis.broker-url=tcp://127.0.0.1:" + this.brokerPort);
	}

	private String jdbcUrl() {
		return "jdbc:h2:tcp://127.0.0.1:" + this.database.getPort() + "/mem:shop;DB_CLOSE_DELAY=-1";
	}

	/** The rows of a query, each as its columns' values. */
	List<List<Object>> query(String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), "sa", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<List<Object>> result = new ArrayList<>();
			int columns = rows.getMetaData().getColumnCount();
			while (rows.next()) {
				List<Object> row = new ArrayList<>();
				for (int i = 1; i <= columns; i++) {
					row.add(rows.getObject(i));
				}
				result.add(row);
			}
			return result;
		}
	}

	/** The messages a queue holds, delivered or not yet acknowledged. */
	long messagesIn(String queue) {
		Queue found = this.broker.getActiveMQServer().locateQueue(SimpleString.of(queue));
		return (found != null) ? found.getMessageCount() + found.getDeliveringCount() : 0;
	}

	@Override
	public void close() throws Exception {
		try {
			this.broker.stop();
		}
		finally {
			this.database.stop();
		}
	}

}
