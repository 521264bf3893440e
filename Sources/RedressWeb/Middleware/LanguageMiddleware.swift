import Hummingbird
import RedressApp

/// A language picked with `?lang=` sticks (issue 17): every page, panel or public, remembers it in `redress_lang`,
/// and every later page, form answer and error page reads in it until another is picked.
struct LanguageMiddleware<Context: RequestContext>: RouterMiddleware {
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        if let lang = request.uri.queryParameters.get("lang"), Localization.customerLanguages.contains(lang),
           request.cookies["redress_lang"]?.value != lang
        {
            response.setCookie(Cookie(name: "redress_lang", value: lang, path: "/", secure: secureCookies,
                                      httpOnly: true, sameSite: .lax))
        }
        return response
    }
}
