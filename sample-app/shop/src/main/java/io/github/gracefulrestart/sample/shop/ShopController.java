package io.github.gracefulrestart.sample.shop;

import org.springframework.http.HttpStatus;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The shop's pages: the latest orders, one order, the order form and its POST, which
 * stores the order and sends its id to the {@value #QUEUE} queue.
 */
@Controller
class ShopController {

	static final String QUEUE = "shop.orders";

	private final Orders orders;

	private final JmsTemplate jms;

	ShopController(Orders orders, JmsTemplate jms) {
		this.orders = orders;
		this.jms = jms;
	}

	@ModelAttribute("pid")
	long pid() {
		return ShopApplication.PID;
	}

	@GetMapping("/")
	String home(Model model) {
		model.addAttribute("latest", this.orders.findTop10ByOrderByIdDesc());
		model.addAttribute("count", this.orders.count());
		model.addAttribute("unconfirmed", this.orders.countByConfirmedByIsNull());
		return "home";
	}

	@GetMapping("/orders/{id}")
	String order(@PathVariable long id, Model model) {
		model.addAttribute("order", this.orders.findById(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No order " + id)));
		return "order";
	}

	@GetMapping("/orders/new")
	String form() {
		return "form";
	}

	@PostMapping("/orders")
	@Transactional
	String place(@RequestParam String item, @RequestParam int quantity, Model model) {
		if (item.isBlank() || quantity < 1 || quantity > 99) {
			model.addAttribute("error", "An item and a quantity from 1 to 99, please.");
			return "form";
		}
		PurchaseOrder order = this.orders.save(new PurchaseOrder(item.strip(), quantity));
		this.jms.convertAndSend(QUEUE, String.valueOf(order.getId()));
		return "redirect:/orders/" + order.getId();
	}

}
