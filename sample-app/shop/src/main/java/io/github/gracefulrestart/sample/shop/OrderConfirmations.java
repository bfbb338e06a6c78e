package io.github.gracefulrestart.sample.shop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.jms.annotation.JmsListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Confirms each order whose id arrives on the queue, and leaves a receipt of it. The
 * listener's session is transacted (Spring Boot's default): a message is acknowledged
 * once it is handled.
 */
@Component
class OrderConfirmations {

	private final Orders orders;

	private final Receipts receipts;

	OrderConfirmations(Orders orders, Receipts receipts) {
		this.orders = orders;
		this.receipts = receipts;
	}

	@JmsListener(destination = ShopController.QUEUE)
	@Transactional
	void confirm(String orderId) {
		long id = Long.parseLong(orderId);
		// The handling's own work (a payment, a mail), long enough to be in flight at a
		// handover.
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
		this.orders.findById(id).ifPresent(PurchaseOrder::confirm);
		this.receipts.save(new Receipt(id));
	}

}
