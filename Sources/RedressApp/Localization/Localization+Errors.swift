extension Localization {
    /// The application errors a visitor can meet on a page, by `AppError.code` (`error.<code>`). Codes without
    /// words here show the service's English detail; the completeness test holds every language to the English list.
    package static let errorCatalog: [String: [String: String]] = [
        "en": [
            "error_title_400": "The request cannot be read", "error_title_401": "Please sign in", "error_title_403": "Not allowed",
            "error_title_404": "Not found", "error_title_409": "Conflict", "error_title_413": "Too large",
            "error_title_422": "Please correct the form", "error_title_429": "Too many attempts", "error_title_500": "Something went wrong",
            "error.not_found": "There is nothing at this address: the link may be mistyped, or the case belongs to another shop.",
            "error.form.expired": "The form has expired or did not come from this site. Reload the page and try again.",
            "error.invalid": "Some fields need correcting:",
            "v.required": "is required", "v.too_long": "may have at most {max} characters", "v.too_long_has": "may have at most {max} characters (it has {n})",
            "v.email": "is not a valid e-mail address",
            "field.body": "Text", "field.title": "Title", "field.rating": "Stars", "field.email": "E-mail", "field.name": "Name",
            "field.reason": "Reason", "field.description": "Description", "field.amount": "Amount", "field.order": "Order",
            "field.statement": "Statement", "field.comment": "Comment", "field.staffId": "Staff member",
            "error.link.unknown": "This link is unknown or has expired.",
            "error.link.review_only": "This link can only write the review. To change it, withdraw it or answer the shop, use the link we e-mailed to the order's address.",
            "error.link.complaint_only": "This link opens one complaint only.",
            "error.link.not_allowed": "This link cannot do that.",
            "error.review.exists": "This order already has a review.",
            "error.review.withdrawn": "The review was withdrawn.",
            "error.order.cancelled": "The order was cancelled.",
            "error.dialog.none": "The shop has not opened a conversation about this review.",
            "error.appeal.not_removed": "Only a removed review can be appealed.",
            "error.appeal.used": "The removal was already appealed once.",
            "error.report.limit": "No more reports can be made about this review.",
            "error.complaint.closed": "This complaint is closed.",
            "error.survey.not_open": "The survey opens once, after the complaint is closed.",
            "error.lookup.throttled": "Too many look-ups that found nothing. Please try again in a quarter of an hour.",
        ],
        "pl": [
            "error_title_400": "Nie można odczytać żądania", "error_title_401": "Zaloguj się", "error_title_403": "Brak uprawnień",
            "error_title_404": "Nie znaleziono", "error_title_409": "Konflikt", "error_title_413": "Za duży plik lub formularz",
            "error_title_422": "Popraw formularz", "error_title_429": "Zbyt wiele prób", "error_title_500": "Coś poszło nie tak",
            "error.not_found": "Pod tym adresem nic nie ma: link może być błędny albo sprawa należy do innego sklepu.",
            "error.form.expired": "Formularz wygasł albo nie pochodzi z tej strony. Odśwież stronę i spróbuj ponownie.",
            "error.invalid": "Popraw te pola:",
            "v.required": "jest wymagane", "v.too_long": "może mieć najwyżej {max} znaków", "v.too_long_has": "może mieć najwyżej {max} znaków (ma {n})",
            "v.email": "to nie jest poprawny adres e-mail",
            "field.body": "Treść", "field.title": "Tytuł", "field.rating": "Gwiazdki", "field.email": "E-mail", "field.name": "Nazwa",
            "field.reason": "Uzasadnienie", "field.description": "Opis", "field.amount": "Kwota", "field.order": "Zamówienie",
            "field.statement": "Oświadczenie", "field.comment": "Komentarz", "field.staffId": "Pracownik",
            "error.link.unknown": "Ten link jest nieznany albo wygasł.",
            "error.link.review_only": "Ten link pozwala tylko napisać opinię. Aby ją zmienić, wycofać albo odpowiedzieć sklepowi, użyj linku, który wysłaliśmy na adres e-mail z zamówienia.",
            "error.link.complaint_only": "Ten link otwiera tylko jedną reklamację.",
            "error.link.not_allowed": "Tym linkiem nie można tego zrobić.",
            "error.review.exists": "To zamówienie ma już opinię.",
            "error.review.withdrawn": "Opinia została wycofana.",
            "error.order.cancelled": "Zamówienie zostało anulowane.",
            "error.dialog.none": "Sklep nie rozpoczął rozmowy o tej opinii.",
            "error.appeal.not_removed": "Odwołać się można tylko od usunięcia opinii.",
            "error.appeal.used": "Od usunięcia tej opinii już się odwołano.",
            "error.report.limit": "Nie można już zgłaszać tej opinii.",
            "error.complaint.closed": "Ta reklamacja jest zamknięta.",
            "error.survey.not_open": "Ankieta otwiera się raz, po zamknięciu reklamacji.",
            "error.lookup.throttled": "Zbyt wiele nieudanych wyszukiwań. Spróbuj ponownie za kwadrans.",
        ],
        "es": [
            "error_title_400": "No se puede leer la solicitud", "error_title_401": "Inicia sesión", "error_title_403": "No permitido",
            "error_title_404": "No encontrado", "error_title_409": "Conflicto", "error_title_413": "Demasiado grande",
            "error_title_422": "Corrige el formulario", "error_title_429": "Demasiados intentos", "error_title_500": "Algo salió mal",
            "error.not_found": "No hay nada en esta dirección: puede que el enlace esté mal escrito.",
            "error.form.expired": "El formulario ha caducado o no viene de este sitio. Recarga la página e inténtalo de nuevo.",
            "error.invalid": "Corrige estos campos:",
            "v.required": "es obligatorio", "v.too_long": "puede tener como máximo {max} caracteres", "v.too_long_has": "puede tener como máximo {max} caracteres (tiene {n})",
            "v.email": "no es una dirección de correo válida",
            "field.body": "Texto", "field.title": "Título", "field.rating": "Estrellas", "field.email": "Correo", "field.name": "Nombre",
            "field.reason": "Motivo", "field.description": "Descripción", "field.amount": "Importe", "field.order": "Pedido",
            "field.statement": "Declaración", "field.comment": "Comentario", "field.staffId": "Empleado",
            "error.link.unknown": "Este enlace es desconocido o ha caducado.",
            "error.link.review_only": "Este enlace solo permite escribir la opinión. Para cambiarla, retirarla o responder a la tienda, usa el enlace que enviamos a la dirección del pedido.",
            "error.link.complaint_only": "Este enlace abre una sola reclamación.",
            "error.link.not_allowed": "Este enlace no permite hacer eso.",
            "error.review.exists": "Este pedido ya tiene una opinión.",
            "error.review.withdrawn": "La opinión fue retirada.",
            "error.order.cancelled": "El pedido fue cancelado.",
            "error.dialog.none": "La tienda no ha abierto una conversación sobre esta opinión.",
            "error.appeal.not_removed": "Solo se puede recurrir una opinión eliminada.",
            "error.appeal.used": "La eliminación ya se recurrió una vez.",
            "error.report.limit": "Ya no se pueden hacer más denuncias sobre esta opinión.",
            "error.complaint.closed": "Esta reclamación está cerrada.",
            "error.survey.not_open": "La encuesta se abre una vez, cuando se cierra la reclamación.",
            "error.lookup.throttled": "Demasiadas búsquedas sin resultado. Inténtalo de nuevo dentro de un cuarto de hora.",
        ],
        "el": [
            "error_title_400": "Το αίτημα δεν μπορεί να διαβαστεί", "error_title_401": "Συνδεθείτε", "error_title_403": "Δεν επιτρέπεται",
            "error_title_404": "Δεν βρέθηκε", "error_title_409": "Σύγκρουση", "error_title_413": "Πολύ μεγάλο",
            "error_title_422": "Διορθώστε τη φόρμα", "error_title_429": "Πάρα πολλές προσπάθειες", "error_title_500": "Κάτι πήγε στραβά",
            "error.not_found": "Δεν υπάρχει τίποτα σε αυτή τη διεύθυνση: ίσως ο σύνδεσμος είναι λάθος.",
            "error.form.expired": "Η φόρμα έληξε ή δεν προέρχεται από αυτόν τον ιστότοπο. Ανανεώστε τη σελίδα και δοκιμάστε ξανά.",
            "error.invalid": "Διορθώστε αυτά τα πεδία:",
            "v.required": "είναι υποχρεωτικό", "v.too_long": "μπορεί να έχει έως {max} χαρακτήρες", "v.too_long_has": "μπορεί να έχει έως {max} χαρακτήρες (έχει {n})",
            "v.email": "δεν είναι έγκυρη διεύθυνση e-mail",
            "field.body": "Κείμενο", "field.title": "Τίτλος", "field.rating": "Αστέρια", "field.email": "E-mail", "field.name": "Όνομα",
            "field.reason": "Λόγος", "field.description": "Περιγραφή", "field.amount": "Ποσό", "field.order": "Παραγγελία",
            "field.statement": "Δήλωση", "field.comment": "Σχόλιο", "field.staffId": "Υπάλληλος",
            "error.link.unknown": "Αυτός ο σύνδεσμος είναι άγνωστος ή έχει λήξει.",
            "error.link.review_only": "Αυτός ο σύνδεσμος επιτρέπει μόνο τη σύνταξη της κριτικής. Για να την αλλάξετε, να την αποσύρετε ή να απαντήσετε στο κατάστημα, χρησιμοποιήστε τον σύνδεσμο που στείλαμε στη διεύθυνση της παραγγελίας.",
            "error.link.complaint_only": "Αυτός ο σύνδεσμος ανοίγει μόνο ένα παράπονο.",
            "error.link.not_allowed": "Αυτός ο σύνδεσμος δεν επιτρέπει αυτή την ενέργεια.",
            "error.review.exists": "Αυτή η παραγγελία έχει ήδη κριτική.",
            "error.review.withdrawn": "Η κριτική αποσύρθηκε.",
            "error.order.cancelled": "Η παραγγελία ακυρώθηκε.",
            "error.dialog.none": "Το κατάστημα δεν έχει ξεκινήσει συζήτηση για αυτή την κριτική.",
            "error.appeal.not_removed": "Μόνο μια κριτική που αφαιρέθηκε μπορεί να προσβληθεί.",
            "error.appeal.used": "Η αφαίρεση έχει ήδη προσβληθεί μία φορά.",
            "error.report.limit": "Δεν μπορούν να γίνουν άλλες αναφορές για αυτή την κριτική.",
            "error.complaint.closed": "Αυτό το παράπονο έχει κλείσει.",
            "error.survey.not_open": "Η έρευνα ανοίγει μία φορά, αφού κλείσει το παράπονο.",
            "error.lookup.throttled": "Πάρα πολλές αναζητήσεις χωρίς αποτέλεσμα. Δοκιμάστε ξανά σε ένα τέταρτο.",
        ],
    ]
}

extension Localization {
    /// The application errors staff can meet in the panel (Polish and English, the panel's languages), by code.
    package static let panelErrorCatalog: [String: [String: String]] = [
        "en": [
            "error.role.viewer": "Viewers can see everything but change nothing.",
            "error.role.owner": "Only a shop owner may do this.",
            "error.dialog.closed": "The dialog is already closed.",
            "error.dialog.exists": "This review already has a dialog.",
            "error.reply.edit_closed": "The public reply can no longer be edited.",
            "error.review.not_shown": "The review is no longer shown.",
            "error.complaint.decided": "A decided complaint cannot be merged.",
            "error.refund.none_open": "This complaint has no open refund.",
            "error.staff.exists": "This e-mail address already has a staff account in this shop.",
            "error.api_key.not_found": "There is no such API key.",
        ],
        "pl": [
            "error.role.viewer": "Osoba z podglądem widzi wszystko, ale niczego nie zmienia.",
            "error.role.owner": "To może zrobić tylko właściciel sklepu.",
            "error.dialog.closed": "Rozmowa jest już zamknięta.",
            "error.dialog.exists": "Ta opinia ma już rozmowę.",
            "error.reply.edit_closed": "Publicznej odpowiedzi nie można już edytować.",
            "error.review.not_shown": "Opinia nie jest już wyświetlana.",
            "error.complaint.decided": "Rozpatrzonej reklamacji nie można scalić.",
            "error.refund.none_open": "Ta reklamacja nie ma otwartego zwrotu.",
            "error.staff.exists": "Ten adres e-mail ma już konto pracownika w tym sklepie.",
            "error.api_key.not_found": "Nie ma takiego klucza API.",
        ],
    ]
}

extension Localization {
    /// A field error of the rules (the English the API gives) in the reader's words: the field's name and the
    /// commonest messages are translated; a message without words keeps the rule's English.
    package func fieldError(_ field: String, _ message: String) -> String {
        "\(optional("field." + field) ?? field): \(validationMessage(message))"
    }

    private func validationMessage(_ message: String) -> String {
        if message == "is required" { return self("v.required") }
        if message == "is not a valid e-mail address" { return self("v.email") }
        if message.hasPrefix("must be at most ") {
            let numbers = message.split { !$0.isNumber && $0 != "," }.map { $0.filter(\.isNumber) }.filter { !$0.isEmpty }
            if numbers.count == 2 { return self("v.too_long_has", ["max": numbers[0], "n": numbers[1]]) }
            if numbers.count == 1 { return self("v.too_long", ["max": numbers[0]]) }
        }
        return message
    }
}
