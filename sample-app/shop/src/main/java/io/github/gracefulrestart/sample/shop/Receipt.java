package io.github.gracefulrestart.sample.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

/**
 * One handling of one order message: a message handled twice leaves two.
 */
@Entity
public class Receipt {

	@Id
	@GeneratedValue
	private Long id;

	private long orderId;

	private long handledBy;

	protected Receipt() {
	}

	Receipt(long orderId) {
		this.orderId = orderId;
		this.handledBy = ShopApplication.PID;
	}

}
