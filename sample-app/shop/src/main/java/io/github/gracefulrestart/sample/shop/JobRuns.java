package io.github.gracefulrestart.sample.shop;

import org.springframework.data.jpa.repository.JpaRepository;

interface JobRuns extends JpaRepository<JobRun, Long> {

}
