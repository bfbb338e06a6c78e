package io.github.gracefulrestart.sample.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A small shop, shaped like the applications users restart: orders in a database (JPA),
 * pages rendered by Thymeleaf, a form that POSTs an order, a JMS listener that confirms
 * it, and a job every 200 ms. Its database and broker are servers of their own, as in
 * production.
 */
@SpringBootApplication
@EnableScheduling
public class ShopApplication {

	/** This process, as the pages, the listener and the job record it. */
	static final long PID = ProcessHandle.current().pid();

	public static void main(String[] args) {
		SpringApplication.run(ShopApplication.class, args);
	}

}
