using System;
using System.Xml.Serialization;
using System.Collections.Generic;
using Top.Api.Domain;
using Top.Api.Util;

namespace Top.Api.Request
{
    /// <summary>
    /// TOP API: taobao.demo.order.create
    /// </summary>
    public class DemoOrderCreateRequest : BaseTopRequest<Top.Api.Response.DemoOrderCreateResponse>
    {
        /// <summary>
        /// 商品ID列表，逗号分隔
        /// </summary>
        public string ItemIds { get; set; }

        /// <summary>
        /// 订单
        /// </summary>
        public string Order { get; set; }

        public OrderDtoDomain Order_ { set { this.Order = TopUtils.ObjectToJson(value); } } 

        /// <summary>
        /// 备注（多行说明：
        /// 第二行）
        /// </summary>
        public string Memo { get; set; }

        #region ITopRequest Members

        public override string GetApiName()
        {
            return "taobao.demo.order.create";
        }

        public override IDictionary<string, string> GetParameters()
        {
            TopDictionary parameters = new TopDictionary();
            parameters.Add("item_ids", this.ItemIds);
            parameters.Add("order", this.Order);
            parameters.Add("memo", this.Memo);
            if (this.otherParams != null)
            {
                parameters.AddAll(this.otherParams);
            }
            return parameters;
        }

        public override void Validate()
        {
            RequestValidator.ValidateMaxListSize("item_ids", this.ItemIds, 20);
            RequestValidator.ValidateRequired("order", this.Order);
        }

	/// <summary>
/// OrderLineDomain Data Structure.
/// </summary>
[Serializable]

public class OrderLineDomain : TopObject
{
	        /// <summary>
	        /// 商品ID
	        /// </summary>
	        [XmlElement("item_id")]
	        public Nullable<long> ItemId { get; set; }
	
	        /// <summary>
	        /// 数量
	        /// </summary>
	        [XmlElement("num")]
	        public Nullable<long> Num { get; set; }
}

	/// <summary>
/// OrderDtoDomain Data Structure.
/// </summary>
[Serializable]

public class OrderDtoDomain : TopObject
{
	        /// <summary>
	        /// 买家昵称
	        /// </summary>
	        [XmlElement("buyer_nick")]
	        public string BuyerNick { get; set; }
	
	        /// <summary>
	        /// 订单行
	        /// </summary>
	        [XmlArray("lines")]
	        [XmlArrayItem("order_line")]
	        public List<OrderLineDomain> Lines { get; set; }
	
	        /// <summary>
	        /// 优惠金额（元）
	        /// </summary>
	        [XmlElement("discount")]
	        public Nullable<double> Discount { get; set; }
}

        #endregion
    }
}
