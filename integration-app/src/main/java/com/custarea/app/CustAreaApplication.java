package com.custarea.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The CustArea integration application: every channel's routes, the pipeline stages, the APIs and ops endpoints. */
@SpringBootApplication(scanBasePackages = "com.custarea")
@ConfigurationPropertiesScan("com.custarea")
@EnableScheduling
public class CustAreaApplication {

    public static void main(String[] args) {
        SpringApplication.run(CustAreaApplication.class, args);
    }
}
