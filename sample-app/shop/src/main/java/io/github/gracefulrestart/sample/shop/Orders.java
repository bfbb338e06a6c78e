package io.github.gracefulrestart.sample.shop;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface Orders extends JpaRepository<PurchaseOrder, Long> {

	List<PurchaseOrder> findTop10ByOrderByIdDesc();

	long countByConfirmedByIsNull();

}
