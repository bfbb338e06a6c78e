package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The requests of a client of Spring PetClinic: one in ten registers an owner by the
 * form, the others read its pages (the welcome page, the vets, the owner search and its
 * results, an owner of the sample data).
 */
final class PetClinicLoad implements HttpLoad.Step {

	@Override
	public RawHttp.Response send(RawHttp http, long n) throws IOException {
		return switch ((int) (n % 10)) {
			case 0 -> http.exchange("POST", "/owners/new", "application/x-www-form-urlencoded",
					("firstName=Ada&lastName=Client" + n + "&address=1+Loop+Road&city=Localhost&telephone=0123456789")
						.getBytes(StandardCharsets.US_ASCII));
			case 1, 2 -> http.get("/owners/" + (1 + n % 10));
			case 3 -> http.get("/owners?lastName=Davis");
			case 4 -> http.get("/owners?page=1");
			case 5 -> http.get("/owners/find");
			case 6, 7 -> http.get("/vets.html");
			default -> http.get("/");
		};
	}

}
