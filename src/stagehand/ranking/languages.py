"""What chat says in seven languages: question words, requests, "you", and function words.

Data only, for `questions.py` (is it a question? is it put to the show?) and `text.py` (which
words carry no content). Every word is lower-case with its accents folded away (`fold`): chat
drops accents as often as it keeps them ("como" for "cómo"), so both spellings meet here.

Languages: English, Spanish, Portuguese, French, German, Italian, Arabic (Chinese and Japanese,
written without spaces, are read in `questions.py`). A word that is also an
everyday word of another language ("come" in English, "was" in English, "que" in a Spanish
statement) is listed under `ambiguous`: it opens a question only when another word of its own
language is in the comment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from stagehand.ranking.alternation import by_first_character


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lower case without accents: "Cómo" -> "como", "weiß" -> "weiss", "você" -> "voce"."""
    lowered = word.lower().replace("ß", "ss")
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    openers: frozenset[str]
    """Question words that open a question ("how", "cómo", "warum"), accents kept: "qué" asks,
    while "que" may not (it is in `ambiguous`)."""
    ambiguous: frozenset[str]
    """Openers (accents folded) that are also everyday non-question words ("como siempre"): a
    question only when one of `follows` comes next or the comment says "you" in the language."""
    follows: frozenset[str]
    """Words that, right after an ambiguous opener, make it ask ("como se", "was ist")."""
    second_person: frozenset[str]
    """Words that speak to someone: "you", "vocês", "ihr"."""
    stopwords: frozenset[str]
    """Function words: never content, never topic."""


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


def _exact(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = Language(
    "en",
    openers=_exact(
        "how what why when where who whom which whose can could would should shall is are am"
        " were do does did will has have had any anyone anybody isnt arent dont doesnt didnt"
        " cant wont wouldnt shouldnt couldnt whats hows whys wheres whos"
    ),
    ambiguous=_words("was"),  # "was" is German's "what" too
    follows=_words("it that this there he she the your you"),
    second_person=_words("you your yours youre yourself yourselves u ur yall y'all"),
    stopwords=frozenset(),  # text.STOPWORDS has English's
)

SPANISH = Language(
    "es",
    openers=_exact(
        "qué cómo cuándo dónde adónde cuál cuáles quién quiénes cuánto cuánta cuántos cuántas"
    ),
    ambiguous=_words("que como cuando donde cual cuales quien quienes cuanto cuanta cuantos"),
    follows=_words(
        "se es son tal hay puedo tiempo cuesta sirve significa pasa paso opinan piensan"
    ),
    second_person=_words(
        "tú usted ustedes vos vosotros vosotras contigo tus vuestro vuestra vuestros tienes"
        " puedes usas haces hiciste usaste pusiste recomiendas prefieres piensas sabes"
        " recomiendan usan tuyo tuya tuyos tuyas"
    ),
    stopwords=_words(
        "el la los las un una unos unas y o pero para por con sin del al lo se su sus muy"
        " es son era fue ser estar está están esta este esto eso esa ese hay que como cuando"
        " donde más mas ya también tambien porque pues si sí no mi mis tu tus me te nos os le"
        " les yo tú él ella ellos ellas nosotros usted ustedes qué cómo cuándo dónde cuál"
        " quién cuánto muy tan todo toda todos todas otro otra algo nada bien mucho mucha"
    ),
)

PORTUGUESE = Language(
    "pt",
    openers=_exact("cadê quantos quantas qual quais"),
    ambiguous=_words("como quando onde quem quanto quanta"),
    follows=_words("se é fica faz faço tempo custa posso foi usa usam tem vai"),
    second_person=_words(
        "você vocês voce voces vc vcs contigo teu tua teus tuas usam fazem podem acham"
    ),
    stopwords=_words(
        "o os a as um uma uns umas e ou mas para pra pro com sem do da dos das no na nos nas"
        " em de é são era foi ser estar está estão isso isto esse essa este esta aquele que"
        " como quando onde mais já também porque se sim não nao meu minha seu sua eu tu ele"
        " ela eles elas nós você vocês voce voces vc vcs muito muita tudo todo toda todos"
        " outro outra algo nada bem tem têm ter vai vou"
    ),
)

FRENCH = Language(
    "fr",
    openers=_exact(
        "pourquoi quand où quel quelle quels quelles combien quoi lequel laquelle lesquels"
    ),
    ambiguous=_words("comment qui"),  # "comment" is English too
    follows=_words("tu vous on ça faire fait faites est as avez peut sait"),
    second_person=_words("tu toi ton tes vous votre vos t'as tas avez pouvez faites"),
    stopwords=_words(
        "le la les un une des et ou mais pour par avec sans dans du au aux de ce cet cette"
        " ces est sont était être avoir ai as a avons avez ont je tu il elle on nous vous ils"
        " elles me te se moi toi lui leur mon ma mes ton ta tes son sa ses notre votre vos"
        " qui que quoi comment pourquoi quand où quel quelle très aussi plus pas ne oui non"
        " si bien tout tous toute toutes c'est cest"
    ),
)

GERMAN = Language(
    "de",
    openers=_exact(
        "wie warum wieso weshalb weswegen wann wo woher wohin womit wofür worauf welche"
        " welcher welches welchen welchem wer wen wem wessen wieviel wievielen"
    ),
    # "was" is English too; a verb first asks in German ("ist das normal", "sind die Ränder
    # nicht zu dick", "kann man das einfrieren") when a subject follows it
    ambiguous=_words(
        "was ist sind kann muss soll gibt geht macht braucht reicht klappt darf wird würde hält"
        " nimmt funktioniert"
    ),
    follows=_words(
        "ist sind macht machst für hast habt kostet soll kann denkt denkst haltet hältst heißt"
        " bedeutet passiert der die das den dem des ein eine einen man es er sie ihr du"
    ),
    second_person=_words(
        "du dich dir dein deine deinen deinem deiner ihr euch euer eure euren eurem ihnen"
    ),
    stopwords=_words(
        "der das ein eine einen einem einer und oder aber für fur mit ohne auf aus bei nach"
        " von vor zu zum zur im ist sind war waren sein haben hat habe hast habt ich du er"
        " sie es wir ihr mich dich sich uns euch mein dein sein ihr unser euer nicht kein"
        " keine auch noch schon mal sehr wie was warum wann wo wer welche dass daß doch ja"
        " nein jetzt dann denn also gibt gibts kann kannst können könnt"
    ),
)

ITALIAN = Language(
    "it",
    openers=_exact("perché quale quali quanti quante cosa cosè"),
    # "come" and "dove" are English words too; "perche" may be "because"
    ambiguous=_words("come chi perche quando dove quanto quanta"),
    follows=_words("si mai è hai avete fai fate usi usate fa ha sono posso ci tempo costa"),
    second_person=_words(
        "tu ti tuo tua tuoi tue voi vostro vostra vostri vostre hai avete fai fate usi usate"
        " metti mettete sei siete puoi potete"
    ),
    stopwords=_words(
        "il lo la gli le un uno una e ed o ma per con senza del dello della dei degli delle"
        " di da in nel nella su sul sulla è sono era essere avere ho hai ha abbiamo avete"
        " hanno io tu lui lei noi voi loro mi ti ci vi si mio mia tuo tua suo sua che chi"
        " come perché perche quando dove quale cosa non anche molto più piu già gia questo"
        " questa quello quella tutto tutti"
    ),
)

ARABIC = Language(
    "ar",
    # هل (yes or no), كيف how, ماذا what, لماذا why, متى when, أين where, كم how much; and the
    # spoken ليش why, وين where, شو and ايش what
    openers=_exact("هل كيف ماذا لماذا متى أين اين كم ليش وين شو ايش إيش"),
    # ما is "not" too ("ما أعرف"), من "from" ("من مصر"): a question when one of these follows
    ambiguous=_words("ما من"),
    follows=_words("هو هي هم هذا هذه الفرق رأيك رأيكم أفضل افضل السبب اسم اللي الذي أين اين"),
    second_person=_words(
        "أنت انت أنتم انتم أنتي انتي عندك عندكم تستخدم تستخدمون تنصح تنصحون تعمل تعملون"
    ),
    stopwords=_words(
        "في من على عن إلى الى و أو او ثم هذا هذه ذلك تلك التي الذي هو هي هم أنا انا نحن"
        " أنت انت ما لا لم لن قد كان كانت مع كل بعض أي اي هل كيف ماذا لماذا متى أين اين كم"
        " يا إن ان أن لكن بس"
    ),
)

LANGUAGES = (ENGLISH, SPANISH, PORTUGUESE, FRENCH, GERMAN, ITALIAN, ARABIC)

#: Every language's "you".
SECOND_PERSON = frozenset().union(*(lang.second_person for lang in LANGUAGES))
#: "or" in each language: "you" with a choice asks ("tu les fais sécher ou tu les cuis").
OR = frozenset({"or", "o", "ou", "oder"})

#: Function words of the other six languages. Words that are also English content words
#: ("die", "pour", "hat", "fur", "comment", "todo", "ai", "os", "ci", "io") are left out.
FOREIGN_STOPWORDS = frozenset().union(*(lang.stopwords for lang in LANGUAGES[1:])) - _words(
    "die man war pan pain son come sin fin den tie art hut mist gift rock also bald will pour"
    " plus hat fur ci vi ti io su ed uno os tan algo todo hay era nas pro ton ai comment par"
    " con per"
)

# Requests and indirect questions, anywhere in a comment (matched on folded text): "tell us
# about", "any tips", "cuéntanos", "alguma dica", "est-ce que", "weiß jemand", "qualcuno sa".
_REQUESTS = {
    "en": (
        r"tell (?:us|me) (?:about|how|what|why|more|where|when)|(?:can|could|would|will) (?:you|u|ya)"
        r" (?:show|explain|tell|share|talk|go|walk|do|make|give|link|recommend|try|play|zoom|repeat"
        r"|describe|elaborate|demonstrate|say)|would you mind|please (?:show|explain|tell|share|talk"
        r"|go over|do|play|try|link|zoom|repeat|describe|elaborate)|show us|walk us through"
        r"|explain (?:how|why|what|the|your)|any (?:tips|advice|recommendations?|suggestions?|ideas"
        r"|pointers|resources|tricks)|what(?:s| is|'s) (?:your|ur)|how (?:did|do|would|will|can)"
        r" (?:you|u|ya)|curious (?:how|what|why|if|whether|about|to)|(?:i'?d|i would|would) love to"
        r" (?:know|hear|see|learn)|(?:i|we) (?:want|wanna|would like) to know|do you (?:have|think"
        r"|know|recommend|use|ever|prefer|plan|still|usually)|have you (?:ever|tried|thought"
        r"|considered|used)|is it (?:possible|worth|better|okay|ok|safe|normal|true|hard)"
        r"|does (?:it|that|this) (?:matter|work|help|make)|thoughts on|opinion on"
        r"|what do (?:you|u) (?:think|use|recommend)|how about|what if"
        # a question word, up to four more words, a verb and its subject: "in summer how often
        # should you feed it", "noor how many hours a day were you working"
        r"|(?:how|what|why|when|where|which|who)(?: \w+){0,4} (?:do|does|did|should|would|can|could"
        r"|will|is|are|was|were|have|has) (?:you|u|ya|i|we|they|he|she|it)"
    ),
    "es": (
        r"alguien sabe|algun (?:consejo|tip|truco)|alguna (?:recomendacion|sugerencia|idea|receta"
        r"|forma|manera)|(?:tips|consejos) para|(?:me|nos)? ?(?:puedes|podes|puede|pueden|podrias"
        r"|podrian) (?:mostrar|explicar|decir|ensenar|hablar|repetir|compartir|contar)"
        r"|cuentanos|cuentame|explicanos|muestranos|ensenanos|dinos|que opinas|que piensas"
        r"|se puede|hay (?:alguna |algun |una )?(?:forma|manera|truco|modo)|me pregunto"
        r"|quisiera saber|quiero saber|por que|sab(?:es|en|eis) si|(?:me|nos) (?:recomiendan"
        r"|recomiendas|recomienda|recomendarias|recomendarian|aconsejan|aconsejas)"
    ),
    "pt": (
        r"alguem sabe|alguma (?:dica|sugestao|recomendacao|ideia)|algum conselho"
        r"|dicas? (?:para|pra|de)|(?:voce|voces|vc|vcs)? ?(?:pode|podem|poderia|poderiam)"
        r" (?:mostrar|explicar|falar|dizer|ensinar|repetir|compartilhar|contar)|tem como"
        r"|da (?:pra|para)|e possivel|me (?:conta|explica|mostra|diz|fala)|conta pra gente"
        r"|nos conta|explica (?:como|pra|para|de novo)|mostra (?:como|de novo)"
        r"|(?:o que|oq|o q) (?:voces|voce|vc|vcs|tu) (?:acha|acham|usa|usam)|queria saber"
        r"|quero saber|gostaria de saber|por que|o que e|(?:voce|vc|tu) sabe se"
        r"|(?:voces|vcs) sabem se|(?:me|nos) (?:recomendam|recomenda|indica|indicam)"
    ),
    "fr": (
        r"quelqu'?un sait|des conseils|un conseil|une astuce|des astuces|(?:vous pouvez"
        r"|pouvez[- ]vous|tu peux|peux[- ]tu|pourriez[- ]vous|pourrais[- ]tu) (?:nous |me )?"
        r"(?:montrer|expliquer|dire|parler|repeter|partager)|dites[- ](?:nous|moi)"
        r"|dis[- ](?:nous|moi)|montrez[- ]nous|montre[- ]nous|racontez|raconte[- ]nous"
        r"|expliquez|explique[- ]nous|est[- ]ce que?|qu'?est[- ]ce|est[- ]il possible"
        r"|c'?est possible de|je me demande|j'?aimerais savoir|avez[- ]vous|as[- ]tu"
        r"|vous utilisez|tu utilises|vous avez deja|tu as deja"
    ),
    "de": (
        r"weiss jemand|kennt jemand|(?:irgendwelche|ein paar|paar) tipps|tipps (?:fur|zu)"
        r"|(?:kannst|konnt|koennt|konnen|koennen|konntest|koenntest|konntet|konnten|koennten)"
        r" (?:du|ihr|sie|man)|(?:erzahl|erzaehl|zeig|erklar|erklaer|sag)t? (?:uns|mal|mir)"
        r"|gibt es|gibts|ich frage mich|wurde mich interessieren|wuerde mich interessieren"
        r"|was (?:haltet ihr|haltst du|haeltst du)"
    ),
    "it": (
        r"qualcuno sa|qualche (?:consiglio|suggerimento|dritta|trucco)|consigli (?:per|su)"
        r"|(?:puoi|potete|puo|potresti|potreste) (?:mostrare|spiegare|dire|parlare|ripetere"
        r"|condividere|farci|farmi|fare)|(?:ci|mi) (?:puoi|potete|potresti|potreste)"
        r"|raccontaci|raccontateci|spiegaci|spiegateci|mostraci|mostrateci|dicci|diteci|dimmi"
        r"|si puo|c'?e (?:un )?modo|mi chiedo|vorrei sapere|(?:hai|avete) (?:mai|provato|usato)"
    ),
}
#: Tried at every word of a fresh comment: grouped by their first letters (`by_first_character`),
#: a third of the instructions of the phrases as written; it finds the same texts.
REQUESTS = re.compile(r"(?:^|\b)(?:" + by_first_character(_REQUESTS.values()) + r")\b")
