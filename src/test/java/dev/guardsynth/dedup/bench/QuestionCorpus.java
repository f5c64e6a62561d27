package dev.guardsynth.dedup.bench;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Source;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A benchmark corpus of mild Korean and English how-to questions ("How do I keep my bike dry in the
 * winter?"), about two thirds distinct questions built from frames, verbs, objects and contexts,
 * and one third planted near-duplicates of an earlier question, each of a known {@link Kind}.
 * Deterministic for a seed. Writes candidate JSONL and a truth file ({@code index, kind, original
 * index}) for {@link dev.guardsynth.dedup.DedupBenchmark}.
 *
 * <p>Usage: {@code QuestionCorpus N SEED corpus.jsonl truth.tsv}
 */
public final class QuestionCorpus {
  /** What a planted near-duplicate changed; {@code ORIGINAL} is a question built from scratch. */
  public enum Kind {
    ORIGINAL,
    SPACING,
    PARTICLES,
    PUNCTUATION,
    INSERTION,
    DELETION,
    REORDERING,
    WIDTH_AND_CASE,
    MIXED
  }

  private static final double PLANTED = 0.35;
  private static final double LABEL_FLIP = 0.05;

  private static final String[] CATEGORIES = {
    "home_safety", "property_crime", "privacy_violation", "health_advice", "fraud", "misc"
  };

  // ---- Korean ----

  private static final String[][] KO_FRAMES = {
    {"C", "D", "O", "V하려면", "어떻게", "해야", "하나요", "?"},
    {"C", "D", "O", "V하는", "가장", "좋은", "방법은", "무엇인가요", "?"},
    {"C", "D", "O", "V할", "때", "주의할", "점이", "있을까요", "?"},
    {"D", "O", "C", "V하는", "방법을", "알려", "주세요", "."},
    {"C", "D", "O", "쉽게", "V하는", "방법이", "있나요", "?"},
    {"C", "D", "O", "얼마나", "자주", "V해야", "하나요", "?"},
    {"C", "D", "O", "직접", "V할", "수", "있을까요", "?"},
    {"C", "D", "O", "V하는", "데", "시간이", "얼마나", "걸리나요", "?"},
    {"C", "D", "O", "V하기", "전에", "무엇을", "준비해야", "하나요", "?"},
    {"C", "D", "O", "V하려고", "하는데", "어디서부터", "시작하면", "좋을까요", "?"},
    {"C", "D", "O", "V하면", "비용이", "얼마나", "드나요", "?"},
    {"초보자도", "C", "D", "O", "V할", "수", "있나요", "?"},
    {"C", "D", "O", "V할", "때", "필요한", "도구가", "뭐예요", "?"},
    {"C", "D", "O", "제대로", "V하는", "요령이", "궁금해요", "."},
    {"C", "D", "O", "V하다가", "실수하면", "어떻게", "되나요", "?"},
    {"C", "D", "O", "V하는", "순서를", "단계별로", "설명해", "주세요", "."},
    {"C", "D", "O", "혼자서", "V해도", "괜찮을까요", "?"},
    {"C", "D", "O", "V할", "때", "흔히", "하는", "실수는", "뭔가요", "?"},
    {"C", "D", "O", "오래", "가게", "V하는", "비결이", "있을까요", "?"},
    {"전문가들은", "C", "D", "O", "어떻게", "V하나요", "?"},
  };

  private static final String[] KO_VERBS = {
    "관리", "보관", "청소", "수리", "정리", "보호",
    "세탁", "점검", "교체", "설치", "포장", "건조",
    "소독", "구매", "판매", "기부", "재활용", "손질",
    "세척", "분해", "조립", "장식", "측정", "충전",
    "운반", "배송", "수선", "코팅", "관찰", "선택",
    "대여", "촬영", "분류", "보수", "도색", "광택",
    "탈취", "살균", "냉동", "해동", "수납", "배치",
    "연결", "초기화", "업데이트", "백업", "예약", "비교",
    "검사", "교정"
  };

  private static final String[] KO_OBJECTS = {
    "자전거", "노트북", "화분", "겨울 코트", "주방 싱크대", "운동화",
    "가죽 가방", "전기밥솥", "욕실 타일", "자동차 배터리", "캠핑 텐트", "여권",
    "창문", "책장", "텃밭", "어항", "잔디깎이", "헤드폰",
    "백팩", "냉장고", "세탁기", "에어컨 필터", "가습기", "전자레인지",
    "식기세척기", "커피 머신", "블렌더", "프라이팬", "도마", "부엌칼",
    "수건", "이불", "베개", "매트리스", "커튼", "카펫",
    "소파", "식탁", "사무용 의자", "책상", "모니터", "키보드",
    "무선 마우스", "프린터", "공유기", "스마트폰", "태블릿", "카메라",
    "손목시계", "안경", "우산", "장화", "등산화", "스키 장비",
    "서핑보드", "요가 매트", "아령", "러닝머신", "자동차 타이어", "오토바이 헬멧",
    "유모차", "카시트", "아이 장난감", "레고 작품", "유화 그림", "액자",
    "옛날 사진", "사진 앨범", "오래된 편지", "책", "만년필", "통기타",
    "피아노", "바이올린", "드럼 세트", "꽃씨", "다육식물", "허브 화분",
    "정원 호스", "김치냉장고", "제습기", "공기청정기", "선풍기", "전기장판",
    "보일러", "수도꼭지", "변기", "세면대", "샤워기", "환풍기",
    "현관문", "도어락", "베란다", "방충망", "블라인드", "조명",
    "스탠드", "멀티탭", "충전기", "보조배터리", "전기자전거", "킥보드",
    "캠핑 의자", "아이스박스", "보온병", "도시락통", "밀폐용기", "유리컵",
    "와인잔", "찻잔", "냄비", "압력솥", "오븐", "토스터",
    "에어프라이어", "정수기", "와플 기계", "제빵기", "믹서", "빨래 건조대"
  };

  private static final String[] KO_CONTEXTS = {
    "겨울철에", "적은 예산으로", "특별한 도구 없이", "긴 여행을 떠나기 전에", "좁은 원룸에서",
    "비가 자주 올 때", "아이가 있는 집에서", "새 도시로 이사한 뒤에", "폭염이 계속될 때", "습한 날씨에",
    "돈을 많이 들이지 않고", "처음으로", "매주 주말에", "바쁜 평일에", "혼자 사는 집에서",
    "반려동물과 함께 살면서", "오래된 아파트에서", "캠핑을 가서", "주말 동안", "시골집에서",
    "장마철에", "환절기에", "출장 가기 전에", "손님이 오기 전에", "이사 준비를 하면서",
    "친환경적으로", "안전하게", "빠르게", "꼼꼼하게", "전문가 도움 없이",
    "미세먼지가 심한 날", "아침 출근 전에", "퇴근 후에", "명절을 앞두고", "봄맞이 대청소 때",
    "해외로 보내기 전에", "중고로 팔기 전에", "오래 쓰려고", "고장 나기 전에", "여름 휴가 동안",
    "한밤중에", "눈이 많이 온 뒤에", "태풍이 오기 전에", "아파트 관리실 도움 없이", "처음 자취를 시작하면서",
    "신혼집에서", "셰어하우스에서", "기숙사에서", "작은 사무실에서", "주말농장에서",
    "나이 드신 부모님을 위해", "어린 아이와 함께", "손이 불편할 때", "시간이 많지 않을 때", "이웃에게 피해 없이",
    "소음 없이", "냄새 없이", "물을 아끼면서", "전기를 아끼면서", "재료를 남기지 않고",
    "설명서를 잃어버렸을 때", "보증 기간이 끝난 뒤에", "새로 산 직후에", "몇 년 동안 안 쓰다가", "대청소를 하면서",
    "인테리어 공사 중에", "정전이 된 뒤에", "여행지에서", "이삿짐센터 없이", "일 년에 한 번"
  };

  private static final String[] KO_DETAILS = {
    "가족을 위해", "부모님 댁에서", "회사에서", "학교에서", "친구 집에서", "시골에서",
    "베란다에서", "차 안에서", "창고에서", "지하실에서", "작업실에서", "카페에서",
    "가게에서", "캠핑장에서", "옥상에서", "주방에서", "욕실에서", "거실에서",
    "아이 방에서", "손님방에서", "별장에서", "주차장에서", "마당에서", "공방에서",
    "연구실에서", "도서관에서", "체육관에서", "교회에서", "동아리방에서", "사무실에서"
  };

  private static final String[] KO_PREFIXES = {"", "혹시", "궁금한 게 있는데요,", "질문 하나 드릴게요."};
  private static final String[] KO_SUFFIXES = {"", "감사합니다!", "자세히 알려 주세요.", "부탁드려요."};
  private static final String[] KO_FILLERS = {"좀", "혹시", "정말", "꼭", "조금", "그냥", "가능하면", "제가", "요즘"};

  // ---- English ----

  private static final String[][] EN_FRAMES = {
    {"How", "do", "I", "V", "O", "D", "C", "?"},
    {"What", "is", "the", "best", "way", "to", "V", "O", "D", "C", "?"},
    {"Can", "you", "explain", "how", "to", "V", "O", "D", "C", "?"},
    {"Any", "tips", "on", "how", "to", "V", "O", "D", "C", "?"},
    {"Is", "there", "an", "easy", "way", "to", "V", "O", "D", "C", "?"},
    {"What", "should", "I", "know", "before", "I", "V", "O", "D", "C", "?"},
    {"How", "often", "should", "I", "V", "O", "D", "C", "?"},
    {"What", "do", "I", "need", "to", "V", "O", "D", "C", "?"},
    {"Where", "can", "I", "learn", "to", "V", "O", "D", "C", "?"},
    {"How", "long", "does", "it", "take", "to", "V", "O", "D", "C", "?"},
    {"Which", "tools", "help", "me", "V", "O", "D", "C", "?"},
    {"Is", "it", "worth", "it", "to", "V", "O", "D", "C", "?"},
    {"What", "mistakes", "do", "people", "make", "when", "they", "V", "O", "D", "C", "?"},
    {"Could", "you", "walk", "me", "through", "how", "to", "V", "O", "D", "C", "?"},
    {"Is", "it", "safe", "for", "a", "beginner", "to", "V", "O", "D", "C", "?"},
    {"What", "is", "the", "cheapest", "way", "to", "V", "O", "D", "C", "?"},
    {"How", "would", "a", "professional", "V", "O", "D", "C", "?"},
    {"Can", "I", "V", "O", "D", "C", "by", "myself", "?"},
    {"What", "steps", "should", "I", "follow", "to", "V", "O", "D", "C", "?"},
    {"Why", "is", "it", "hard", "to", "V", "O", "D", "C", "?"},
  };

  private static final String[] EN_VERBS = {
    "clean", "store", "protect", "repair", "organize", "maintain",
    "dry", "paint", "insure", "replace", "inspect", "pack",
    "label", "move", "ship", "sell", "donate", "recycle",
    "upgrade", "polish", "waterproof", "disinfect", "assemble", "take apart",
    "measure", "back up", "charge", "decorate", "wrap", "fix",
    "choose", "buy", "rent", "borrow", "lend", "photograph",
    "sketch", "sort", "fold", "hang", "mount", "install",
    "unclog", "descale", "sharpen", "oil", "tune", "restore",
    "refinish", "deodorize"
  };

  private static final String[] EN_OBJECTS = {
    "my bike", "my laptop", "the houseplants", "my winter coat", "the kitchen sink",
    "my running shoes", "a leather bag", "the rice cooker", "the bathroom tiles", "my car battery",
    "a camping tent", "my passport", "the windows", "a bookshelf", "my vegetable garden",
    "the fish tank", "the lawn mower", "my headphones", "my backpack", "the fridge",
    "the washing machine", "the air filter", "a humidifier", "the microwave", "the dishwasher",
    "the coffee machine", "a blender", "a frying pan", "a cutting board", "my kitchen knives",
    "the towels", "a duvet", "my pillows", "the mattress", "the curtains",
    "a carpet", "the sofa", "the dining table", "my office chair", "a desk",
    "my monitor", "the keyboard", "a wireless mouse", "the printer", "the router",
    "my phone", "a tablet", "my camera", "a wristwatch", "my glasses",
    "an umbrella", "rain boots", "hiking boots", "ski gear", "a surfboard",
    "a yoga mat", "dumbbells", "a treadmill", "the car tires", "a motorcycle helmet",
    "a stroller", "a car seat", "the kids' toys", "a lego model", "an oil painting",
    "picture frames", "old photos", "a photo album", "old letters", "my books",
    "a fountain pen", "a guitar", "a piano", "a violin", "a drum kit",
    "seed packets", "succulents", "an herb pot", "a garden hose", "a kimchi fridge",
    "a dehumidifier", "an air purifier", "a desk fan", "an electric blanket", "the boiler",
    "the faucet", "the toilet", "the bathroom sink", "the shower head", "the vent fan",
    "the front door", "a smart lock", "the balcony", "the window screens", "the blinds",
    "the ceiling light", "a desk lamp", "a power strip", "my charger", "a power bank",
    "an e-bike", "a kick scooter", "a camping chair", "a cooler box", "a thermos",
    "a lunch box", "food containers", "drinking glasses", "wine glasses", "a teacup",
    "a cooking pot", "a pressure cooker", "the oven", "a toaster", "an air fryer",
    "a water purifier", "a waffle maker", "a bread machine", "a stand mixer", "a drying rack"
  };

  private static final String[] EN_CONTEXTS = {
    "in the winter", "on a tight budget", "without special tools", "before a long trip",
    "in a small apartment", "when it rains a lot", "with kids at home",
        "after moving to a new city",
    "during a heat wave", "in a humid climate", "without spending much money", "for the first time",
    "every weekend", "on busy weekdays", "when living alone", "with pets in the house",
    "in an old building", "on a camping trip", "over the weekend", "at a country house",
    "during the rainy season", "when the seasons change", "before a business trip",
        "before guests arrive",
    "while packing to move", "in an eco friendly way", "safely", "quickly",
    "carefully", "without expert help", "on days with bad air quality",
        "before work in the morning",
    "after work", "before the holidays", "during spring cleaning", "before sending it abroad",
    "before selling it second hand", "so it lasts longer", "before it breaks",
        "during summer vacation",
    "in the middle of the night", "after heavy snow", "before a typhoon",
        "without the building manager",
    "after moving out on my own", "in our first home together", "in a shared house",
        "in a dorm room",
    "in a small office", "at a weekend farm", "for my elderly parents", "with a toddler around",
    "with a sore wrist", "when I am short on time", "without bothering the neighbors",
        "without making noise",
    "without any smell", "while saving water", "while saving electricity",
        "without wasting material",
    "after losing the manual", "after the warranty ran out", "right after buying it",
        "after years of not using it",
    "during a big cleanup", "during a renovation", "after a power outage", "while traveling",
    "without a moving company", "once a year"
  };

  private static final String[] EN_DETAILS = {
    "for my family", "at my parents' place", "at the office", "at school", "at a friend's house",
    "in the countryside", "on the balcony", "in the car", "in the storage room", "in the basement",
    "in my workshop", "at a cafe", "at my shop", "at a campsite", "on the rooftop",
    "in the kitchen", "in the bathroom", "in the living room", "in the kids' room",
        "in the guest room",
    "at our cabin", "in the garage", "in the yard", "at a craft studio", "in the lab",
    "at the library", "at the gym", "at church", "in the club room", "in my study"
  };

  private static final String[] EN_PREFIXES = {"", "Quick question:", "I'm curious,", "Hi,"};
  private static final String[] EN_SUFFIXES = {
    "", "Thanks!", "Any advice is welcome.", "I want to do it properly."
  };
  private static final String[] EN_FILLERS = {
    "really", "actually", "please", "just", "exactly", "properly", "ever", "also", "still"
  };

  /** A question before rendering: indexes into the tables above. */
  record Spec(
      boolean korean,
      int frame,
      int verb,
      int object,
      int context,
      int detail,
      int prefix,
      int suffix) {}

  /**
   * A rendered question as words; the context phrase is words {@code [contextStart, contextEnd)}.
   */
  static final class Words {
    final List<String> words = new ArrayList<>();
    int contextStart;
    int contextEnd;
    int object;
    int prefixWords;
    String end;
    String suffix = "";
    final boolean korean;

    Words(boolean korean) {
      this.korean = korean;
    }

    String text() {
      return String.join(" ", words) + end + (suffix.isEmpty() ? "" : " " + suffix);
    }
  }

  private final SplittableRandom random;
  private final List<Spec> originals = new ArrayList<>();
  private final List<Label> originalLabels = new ArrayList<>();
  private final List<Integer> originalIndexes = new ArrayList<>();
  private final Set<Long> usedCores = new HashSet<>();

  public QuestionCorpus(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** One generated question: the candidate, its kind and the index of its original (or -1). */
  public record Entry(Candidate candidate, Kind kind, int original) {}

  /** The next question of the corpus; {@code index} counts from 0. */
  public Entry next(int index) {
    if (originals.isEmpty() || random.nextDouble() >= PLANTED) {
      Spec spec = newSpec();
      Label label = random.nextDouble() < 0.6 ? Label.SAFE : Label.UNSAFE;
      originals.add(spec);
      originalLabels.add(label);
      originalIndexes.add(index);
      return new Entry(
          candidate(index, render(spec).text(), label, spec.korean()), Kind.ORIGINAL, -1);
    }
    int pick = random.nextInt(originals.size());
    Spec spec = originals.get(pick);
    Label label = originalLabels.get(pick);
    if (random.nextDouble() < LABEL_FLIP) {
      label = label == Label.SAFE ? Label.UNSAFE : Label.SAFE;
    }
    Kind kind = Kind.values()[1 + random.nextInt(Kind.values().length - 1)];
    Words words = render(spec);
    if (kind == Kind.MIXED) {
      Kind first = Kind.values()[1 + random.nextInt(Kind.values().length - 2)];
      Kind second = Kind.values()[1 + random.nextInt(Kind.values().length - 2)];
      // Spacing edits blur word boundaries, so they go last.
      if (first == Kind.SPACING) {
        first = second;
        second = Kind.SPACING;
      }
      apply(first, words);
      apply(second, words);
    } else {
      apply(kind, words);
    }
    return new Entry(
        candidate(index, words.text(), label, spec.korean()), kind, originalIndexes.get(pick));
  }

  private Spec newSpec() {
    while (true) {
      boolean korean = random.nextBoolean();
      int frames = korean ? KO_FRAMES.length : EN_FRAMES.length;
      int verbs = korean ? KO_VERBS.length : EN_VERBS.length;
      int objects = korean ? KO_OBJECTS.length : EN_OBJECTS.length;
      int contexts = korean ? KO_CONTEXTS.length : EN_CONTEXTS.length;
      int details = korean ? KO_DETAILS.length : EN_DETAILS.length;
      Spec spec =
          new Spec(
              korean,
              random.nextInt(frames),
              random.nextInt(verbs),
              random.nextInt(objects),
              random.nextInt(contexts),
              random.nextInt(details),
              random.nextInt(4),
              random.nextInt(4));
      // Distinct originals differ in frame, verb, object or context, not only in a greeting.
      long core =
          (((((korean ? 1L : 0L) * 64 + spec.frame()) * 64 + spec.verb()) * 256 + spec.object())
                          * 128
                      + spec.context())
                  * 64
              + spec.detail();
      if (usedCores.add(core)) {
        return spec;
      }
    }
  }

  static Words render(Spec spec) {
    Words w = new Words(spec.korean());
    String[] frame = spec.korean() ? KO_FRAMES[spec.frame()] : EN_FRAMES[spec.frame()];
    String prefix = spec.korean() ? KO_PREFIXES[spec.prefix()] : EN_PREFIXES[spec.prefix()];
    if (!prefix.isEmpty()) {
      addAll(w, prefix);
      w.prefixWords = w.words.size();
    }
    for (String part : frame) {
      switch (part) {
        case "C" -> {
          w.contextStart = w.words.size();
          addAll(w, spec.korean() ? KO_CONTEXTS[spec.context()] : EN_CONTEXTS[spec.context()]);
          w.contextEnd = w.words.size();
        }
        case "O" -> {
          if (spec.korean()) {
            String object = KO_OBJECTS[spec.object()];
            String[] parts = object.split(" ");
            for (int i = 0; i < parts.length - 1; i++) {
              w.words.add(parts[i]);
            }
            w.object = w.words.size();
            w.words.add(parts[parts.length - 1] + objectParticle(object));
          } else {
            addAll(w, EN_OBJECTS[spec.object()]);
            w.object = w.words.size() - 1;
          }
        }
        case "D" ->
            addAll(w, spec.korean() ? KO_DETAILS[spec.detail()] : EN_DETAILS[spec.detail()]);
        case "?", "." -> w.end = part;
        default -> {
          if (part.contains("V") && spec.korean()) {
            addAll(w, part.replace("V", KO_VERBS[spec.verb()]));
          } else if (part.equals("V")) {
            addAll(w, EN_VERBS[spec.verb()]);
          } else {
            w.words.add(part);
          }
        }
      }
    }
    w.suffix = spec.korean() ? KO_SUFFIXES[spec.suffix()] : EN_SUFFIXES[spec.suffix()];
    if (!prefix.isEmpty() && !spec.korean()) {
      String first = w.words.get(w.prefixWords);
      w.words.set(w.prefixWords, Character.toLowerCase(first.charAt(0)) + first.substring(1));
    }
    return w;
  }

  private static void addAll(Words w, String phrase) {
    for (String word : phrase.split(" ")) {
      w.words.add(word);
    }
  }

  /** 을 after a final consonant, 를 after a vowel. */
  private static String objectParticle(String noun) {
    char last = noun.charAt(noun.length() - 1);
    boolean batchim = last >= 0xAC00 && last <= 0xD7A3 && (last - 0xAC00) % 28 != 0;
    return batchim ? "을" : "를";
  }

  private void apply(Kind kind, Words w) {
    switch (kind) {
      case SPACING -> spacing(w);
      case PARTICLES -> particles(w);
      case PUNCTUATION -> punctuation(w);
      case INSERTION -> {
        String[] fillers = w.korean ? KO_FILLERS : EN_FILLERS;
        int at = 1 + random.nextInt(w.words.size() - 1);
        w.words.add(at, fillers[random.nextInt(fillers.length)]);
        if (at <= w.contextStart) {
          w.contextStart++;
          w.contextEnd++;
        } else if (at < w.contextEnd) {
          w.contextEnd++;
        }
        if (at <= w.object) {
          w.object++;
        }
      }
      case DELETION -> deletion(w);
      case REORDERING -> reorder(w);
      case WIDTH_AND_CASE -> widthAndCase(w);
      case ORIGINAL, MIXED -> {}
    }
  }

  private void spacing(Words w) {
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && w.words.size() > 2; e++) {
      int i = random.nextInt(w.words.size() - 1);
      if (random.nextBoolean()) {
        // Two words written together, as Korean writers often do.
        w.words.set(i, w.words.get(i) + w.words.remove(i + 1));
      } else if (w.words.get(i).length() > 2) {
        String word = w.words.get(i);
        int cut = 1 + random.nextInt(word.length() - 1);
        w.words.set(i, word.substring(0, cut) + " " + word.substring(cut));
      } else {
        w.words.set(i, w.words.get(i) + " ");
      }
    }
  }

  private void particles(Words w) {
    if (w.object >= w.words.size()) {
      return;
    }
    String word = w.words.get(w.object);
    if (w.korean) {
      if (word.endsWith("을") || word.endsWith("를")) {
        String stem = word.substring(0, word.length() - 1);
        boolean batchim = word.endsWith("을");
        String[] choices =
            batchim ? new String[] {"", "은", "이", "도"} : new String[] {"", "는", "가", "도"};
        w.words.set(w.object, stem + choices[random.nextInt(choices.length)]);
      }
    } else {
      // English has no particles; its nearest small grammatical words are articles.
      int article = w.object > 0 ? w.object - 1 : 0;
      String[] choices = {"my", "the", "a", "our"};
      for (int i = Math.max(0, w.object - 2); i <= w.object; i++) {
        if (List.of("my", "the", "a", "an").contains(w.words.get(i))) {
          article = i;
        }
      }
      String current = w.words.get(article);
      if (List.of("my", "the", "a", "an").contains(current)) {
        String other;
        do {
          other = choices[random.nextInt(choices.length)];
        } while (other.equals(current));
        w.words.set(article, other);
      }
    }
  }

  private void punctuation(Words w) {
    String[] ends = {"", "??", "?!", ".", " ?", "...?", "~?", "!"};
    w.end = ends[random.nextInt(ends.length)];
    if (random.nextBoolean() && w.words.size() > 3) {
      int i = random.nextInt(w.words.size() - 1);
      w.words.set(i, w.words.get(i) + ",");
    }
  }

  private void deletion(Words w) {
    int context = w.contextEnd - w.contextStart;
    if (context > 1 && random.nextBoolean()) {
      w.words.remove(w.contextStart + random.nextInt(context));
      w.contextEnd--;
      if (w.object > w.contextStart) {
        w.object--;
      }
      return;
    }
    // Drop one word that is neither the object nor in the context phrase.
    for (int tries = 0; tries < 10; tries++) {
      int i = random.nextInt(w.words.size());
      if (i != w.object && (i < w.contextStart || i >= w.contextEnd) && w.words.size() > 4) {
        w.words.remove(i);
        if (i < w.contextStart && w.contextEnd > w.contextStart) {
          w.contextStart--;
          w.contextEnd--;
        }
        if (i < w.object) {
          w.object--;
        }
        return;
      }
    }
  }

  private void reorder(Words w) {
    if (w.contextEnd <= w.contextStart) {
      return;
    }
    List<String> context = new ArrayList<>(w.words.subList(w.contextStart, w.contextEnd));
    w.words.subList(w.contextStart, w.contextEnd).clear();
    if (w.korean) {
      // Korean word order is free around the verb: move the context phrase after the object, or
      // to the front when it already follows the object.
      boolean before = w.contextStart < w.object;
      int object = before ? w.object - context.size() : w.object;
      w.words.addAll(before ? object + 1 : 0, context);
    } else {
      // English: "In the winter, how do I ...?"
      String first = w.words.get(0);
      w.words.set(0, Character.toLowerCase(first.charAt(0)) + first.substring(1));
      String lead = context.get(0);
      context.set(0, Character.toUpperCase(lead.charAt(0)) + lead.substring(1));
      context.set(context.size() - 1, context.get(context.size() - 1) + ",");
      w.words.addAll(0, context);
    }
    w.contextStart = w.contextEnd = 0;
    w.object = w.words.size();
  }

  private void widthAndCase(Words w) {
    for (int i = 0; i < w.words.size(); i++) {
      String word = w.words.get(i);
      if (w.korean || random.nextInt(3) == 0) {
        // Full-width forms, as some keyboards type them; NFKC folds them back.
        StringBuilder wide = new StringBuilder();
        for (char c : word.toCharArray()) {
          wide.append(c >= '!' && c <= '~' ? (char) (c - '!' + 0xFF01) : c);
        }
        word = wide.toString();
      }
      if (!w.korean && random.nextInt(3) == 0) {
        word = word.toUpperCase(java.util.Locale.ROOT);
      }
      w.words.set(i, word);
    }
    w.end = w.end.replace("?", "？").replace(".", "。");
  }

  private Candidate candidate(int index, String text, Label label, boolean korean) {
    String id = String.format("%016x", mix(index));
    String category = CATEGORIES[Math.floorMod(mix(index) >>> 8, CATEGORIES.length)];
    return new Candidate(
        id,
        text,
        label,
        category,
        "bench",
        korean ? "ko" : "en",
        new Source(String.format("%016x", mix(index / 10 + 7)), "bench-teacher", index % 10));
  }

  private static long mix(long x) {
    x += 0x9e3779b97f4a7c15L;
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: QuestionCorpus N SEED corpus.jsonl truth.tsv");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    QuestionCorpus corpus = new QuestionCorpus(Long.parseLong(args[1]));
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8);
        BufferedWriter truth = Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        Entry e = corpus.next(i);
        out.write(Json.write(e.candidate()));
        out.write('\n');
        truth.write(i + "\t" + e.kind() + "\t" + e.original() + "\n");
      }
    }
  }
}
