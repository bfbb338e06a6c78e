package io.github.gracefulrestart.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.gracefulrestart.HealthGate;

import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;

/**
 * A health group read in-process through Spring Boot's health endpoint: the readiness
 * group by default, the one Kubernetes probes; without such a group, the application's
 * whole health. The indicators that are not UP are named with their status; their details
 * only where the group shows details to a caller who is not signed in
 * ({@code show-details: always}), since what this reports ends up in the restart status
 * and the log.
 */
class GroupHealth implements Supplier<HealthGate.Health> {

	private final HealthEndpoint endpoint;

	private final HealthEndpointGroups groups;

	private final String group;

	GroupHealth(HealthEndpoint endpoint, HealthEndpointGroups groups, String group) {
		this.endpoint = endpoint;
		this.groups = groups;
		this.group = group;
	}

	/**
	 * Describe what this reads, for the log.
	 * @return the description
	 */
	String describe() {
		return hasGroup() ? "health group '" + this.group + "'"
				: "the application's health (there is no health group '" + this.group + "')";
	}

	private boolean hasGroup() {
		return this.groups.get(this.group) != null;
	}

	@Override
	public HealthGate.Health get() {
		boolean group = hasGroup();
		HealthDescriptor health = group ? this.endpoint.healthForPath(this.group) : this.endpoint.health();
		if (health == null) {
			return new HealthGate.Health(false, List.of(), describe() + " answered nothing");
		}
		List<String> notUp = new ArrayList<>();
		List<String> described = new ArrayList<>();
		HealthEndpointGroup shown = group ? this.groups.get(this.group) : this.groups.getPrimary();
		boolean details = shown != null && shown.showDetails(SecurityContext.NONE);
		collectNotUp("", health, details, notUp, described);
		String what = group ? "health group '" + this.group + "'" : "health";
		return new HealthGate.Health(Status.UP.equals(health.getStatus()), notUp,
				what + " is " + health.getStatus() + (described.isEmpty() ? "" : ": " + String.join("; ", described)));
	}

	private static void collectNotUp(String name, HealthDescriptor health, boolean details, List<String> names,
			List<String> described) {
		if (health instanceof CompositeHealthDescriptor composite) {
			Map<String, HealthDescriptor> components = composite.getComponents();
			if (components != null) {
				components.forEach((child, descriptor) -> collectNotUp(name.isEmpty() ? child : name + "/" + child,
						descriptor, details, names, described));
			}
		}
		else if (!Status.UP.equals(health.getStatus()) && !name.isEmpty()) {
			names.add(name);
			Map<String, Object> shown = (details && health instanceof IndicatedHealthDescriptor indicated)
					? indicated.getDetails() : Map.of();
			described.add(name + " " + health.getStatus() + ((shown == null || shown.isEmpty()) ? "" : " " + shown));
		}
	}

}
