package io.github.gracefulrestart.sample.shop;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

/**
 * An order: placed by a form POST, confirmed by the listener of the message the POST
 * sent.
 */
@Entity
public class PurchaseOrder {

	@Id
	@GeneratedValue
	private Long id;

	private String item;

	private int quantity;

	private Instant placedAt;

	private long placedBy;

	private Long confirmedBy;

	protected PurchaseOrder() {
	}

	PurchaseOrder(String item, int quantity) {
		this.item = item;
		this.quantity = quantity;
		this.placedAt = Instant.now();
		this.placedBy = ShopApplication.PID;
	}

	void confirm() {
		this.confirmedBy = ShopApplication.PID;
	}

	public Long getId() {
		return this.id;
	}

	public String getItem() {
		return this.item;
	}

	public int getQuantity() {
		return this.quantity;
	}

	public Instant getPlacedAt() {
		return this.placedAt;
	}

	public long getPlacedBy() {
		return this.placedBy;
	}

	public Long getConfirmedBy() {
		return this.confirmedBy;
	}

}
