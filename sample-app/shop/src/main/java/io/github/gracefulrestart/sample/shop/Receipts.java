package io.github.gracefulrestart.sample.shop;

import org.springframework.data.jpa.repository.JpaRepository;

interface Receipts extends JpaRepository<Receipt, Long> {

}
