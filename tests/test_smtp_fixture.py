"""The loopback SMTP server receives what Django's SMTP backend sends."""

from django.core.mail import EmailMultiAlternatives


def test_a_message_sent_by_django_arrives_on_the_loopback_server(smtp_server):
    message = EmailMultiAlternatives("Objet é", "Corps en texte", "a@example.org", ["b@example.org"])
    message.attach_alternative("<p>Corps</p>", "text/html")
    message.attach("rencontre.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert message.send() == 1

    [received] = smtp_server.to("b@example.org")
    assert received["Subject"] == "Objet é"
    kinds = [part.get_content_type() for part in received.walk()]
    assert {"text/plain", "text/html", "text/calendar"} <= set(kinds)
