package io.github.gracefulrestart;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a lifecycle bean (its class, or its {@code @Bean} method) as background work, or
 * as not background work with {@code @BackgroundWork(false)}. Background work runs in one
 * generation at a time: a new generation starts it when it takes over, the retiring one
 * stops it as it hands over, before it drains. Task schedulers and the listener
 * containers of JMS, Kafka, RabbitMQ and Pulsar are background work unless marked
 * otherwise; so is any bean the property {@code graceful-restart.background-work.include}
 * names, and no bean that {@code graceful-restart.background-work.exclude} names.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BackgroundWork {

	/**
	 * Whether the bean is background work.
	 * @return whether it is
	 */
	boolean value() default true;

}
